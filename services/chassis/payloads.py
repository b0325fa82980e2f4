"""An event payload loaded through a consumer's tolerant copy of its producer's schema, without
marshmallow's per-call machinery when the copy is plain: in an import every consumer loads two
payloads per row, and `Schema.load` (hooks, error store, unknown-field pass, a partial argument
per field) cost twice the fields' own work — 12–13 % of marketing's and reporting's CPU per
imported row (bench/FINDINGS.md, fifth session).

One way for every consumer: `loader(schema)` gives the `load(payload)` to keep beside the
schema instance (a schema costs more to build than a payload to load); `read(envelope, table)`
loads an envelope's payload through `table[its event type]` (a copy class) with one kept
loader per copy, raising ValueError (marketing's audience, the service desk's directory)."""
from marshmallow import EXCLUDE, ValidationError, fields
from marshmallow.utils import missing


def is_plain(schema):
    """No schema hooks; every field loaded under its own name, without validators; unknown
    fields excluded: then loading is each field's deserialize, nothing else."""
    return (not schema.many and schema.unknown == EXCLUDE and not any(schema._hooks.values())
            and all(field.data_key is None and field.attribute is None and not field.validators
                    for field in schema.load_fields.values()))


def loader(schema):
    """`load(payload)`: what `schema.load(payload)` returns, and raises (a ValidationError with
    all of its messages). For a plain schema each field's deserialize, a text field given text
    taking it as it is (what fields.String returns); any error — or a payload that is not a
    dict — goes to `schema.load`, which says it as marshmallow does. Otherwise `schema.load`."""
    if not is_plain(schema):
        return schema.load
    texts = frozenset(name for name, field in schema.load_fields.items()
                      if type(field) is fields.String)
    load_fields = tuple(schema.load_fields.items())

    def load(payload):
        if type(payload) is not dict:
            return schema.load(payload)
        data = {}
        try:
            for name, field in load_fields:
                raw = payload.get(name, missing)
                value = raw if name in texts and type(raw) is str else field.deserialize(
                    raw, name, payload)
                if value is not missing:
                    data[name] = value
        except ValidationError:
            return schema.load(payload)
        return data
    return load


_LOADERS = {}        # tolerant copy class → the loader of its one instance


def read(envelope, table):
    """The envelope's payload loaded through its tolerant copy `table[its event type]`;
    ValueError, with the copy's messages, when the copy cannot read it."""
    copy = table[envelope["event_type"]]
    load = _LOADERS.get(copy) or _LOADERS.setdefault(copy, loader(copy()))
    try:
        return load(envelope["payload"])
    except ValidationError as error:
        raise ValueError(f"unreadable {envelope.get('event_type')} payload: {error.messages}")
