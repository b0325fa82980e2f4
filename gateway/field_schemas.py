"""How the services' marshmallow fields are written in the API document, beyond what apispec's
marshmallow plugin knows: so that a value the document allows is a value the service accepts.

- a field class may say how it is documented with a `json_schema` class attribute (the chassis's
  Money: a decimal string of at most 2 decimals; reporting's filter values);
- the shared validators of services/chassis/fields.py are documented by
  `fields.json_schema_of` (currency → the ISO 4217 codes, a time zone → the IANA zones, phone
  → its pattern, not_blank → at least one non-space character);
- a Decimal dumped as a string is a string (money, DESIGN.md §4), not a JSON number;
- a URL is an absolute http(s) URL with a host name, as marshmallow checks it;
- a text field holds no control character, and only a multi-line one tabs and line breaks
  (services/chassis/characters.py): its `pattern` says so.
"""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields as ma_fields

from services.chassis import characters
from services.chassis.fields import Input, json_schema_of, not_blank

URL_PATTERN = (r"^https?://([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,6}"
               r"(/[A-Za-z0-9._~/-]*)?$")


def _nullable(field, schema):
    if not field.allow_none:
        return schema
    if isinstance(schema.get("type"), str):
        schema = dict(schema, type=[schema["type"], "null"])
    elif isinstance(schema.get("type"), list) and "null" not in schema["type"]:
        schema = dict(schema, type=[*schema["type"], "null"])
    if "enum" in schema and None not in schema["enum"]:
        schema = dict(schema, enum=[*schema["enum"], None])
    return schema


def documented_as(self, field, ret, **kwargs):
    """An apispec attribute function: the extra JSON Schema keywords of one field."""
    extra = {}
    if isinstance(field, ma_fields.Decimal) and field.as_string:
        extra.update(type="string", format="decimal")
    if isinstance(field, ma_fields.URL):
        extra.update(format="uri", pattern=URL_PATTERN)
    inbound = _inbound(field)
    declared = getattr(type(field), "json_schema" if inbound else "json_schema_out", None)
    if declared:
        extra.update(declared)
        extra.update({key: field.metadata[key] for key in ("pattern", "enum", "minimum")
                      if key in field.metadata})          # the field's own word wins
    for validator in field.validators:
        extra.update(json_schema_of(validator))
    if inbound:
        _text_pattern(field, {**ret, **extra}, extra)
    return _nullable(field, extra)


def _inbound(field):
    """Whether the field is read from a request (it belongs to an `Input` schema: a body or a
    query, services/chassis/fields.py) rather than written in a response. apispec documents
    bound fields (schema instances; gateway/query.py passes one too)."""
    owner = field
    while owner is not None and not isinstance(owner, Schema):
        owner = getattr(owner, "parent", None)
    return isinstance(owner, Input)


def _text_pattern(field, documented, extra):
    """A free text's pattern: the characters it may hold (and not blank, if it must not be)."""
    if not isinstance(field, ma_fields.String) or isinstance(field, (ma_fields.Email, ma_fields.URL)):
        return
    if "enum" in documented or "format" in documented:
        return                           # named values, or a format that has no controls
    # not_blank, or identity's trimmed text documented with the bare pattern "\S"
    blank_allowed = not_blank not in field.validators and documented.get("pattern") != r"\S"
    if "pattern" in documented and blank_allowed:
        return                           # its own pattern (a phone number) is stricter
    extra["pattern"] = characters.pattern(multiline=bool(field.metadata.get("multiline")),
                                          not_blank=not blank_allowed)


def spec_with_plugin(**options):
    """(APISpec, MarshmallowPlugin) documenting fields as above: the document and the query
    parser render through the same."""
    plugin = MarshmallowPlugin()
    spec = APISpec(plugins=[plugin], openapi_version="3.1.0", **options)
    plugin.converter.add_attribute_function(documented_as)
    return spec, plugin
