"""Query strings, read by the query schema of the service that answers the route.

A route names the marshmallow schema its service loads the query with (`query="sales:DealQuery"`).
That one schema gives both the OpenAPI parameters (rendered by apispec's marshmallow plugin) and
the way the gateway reads the query string: each parameter's JSON type says how its text is read
(an array: comma-separated and/or repeated; an integer; a boolean; otherwise the text itself),
then the schema validates the result. So a query the document allows is one the service accepts,
and a query it refuses is a 422 here with the schema's own per-field messages.
"""
import re
from functools import lru_cache

from marshmallow import ValidationError

from gateway import field_schemas
from gateway.problems import HttpProblem
from gateway.routing import resolve_schema
from services.chassis import characters
from services.chassis.errors import invalid_from_marshmallow

_INTEGER = re.compile(r"-?[0-9]+")          # ASCII digits only: int() also takes "١" and "1_0"
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")


def schema_of(reference):
    """The query Schema class a route names ("service:Name" or a class), or None for a route
    without a query. A name that does not resolve is an error, not a silently empty query."""
    if not reference:
        return None
    schema = resolve_schema(reference)
    if schema is None:
        raise LookupError(f"query schema {reference!r} is not defined by its service")
    return schema


@lru_cache(maxsize=None)
def _converter():
    return field_schemas.spec_with_plugin(title="query", version="1")[1].converter


@lru_cache(maxsize=None)
def _instance(schema):
    """One instance per query Schema class: building one deep-copies its declared fields (15 us,
    on every POST /customers for its `force` option); validating keeps no state on it."""
    return schema()


@lru_cache(maxsize=None)
def parameters(schema):
    """OpenAPI query parameters of a Schema class (cached: schemas do not change at run time)."""
    rendered = []
    for param in _converter().schema2parameters(schema(), location="query"):  # bound fields
        param = dict(param, schema=_without_null(param["schema"]))
        if param["schema"].get("type") == "array":
            # The gateway reads "a,b" and repeated names alike; the document names one style.
            param.update(style="form", explode=False, schema=_comma_separated(param["schema"]))
            param.setdefault("description", "Comma-separated")
        rendered.append(param)
    return tuple(rendered)


def _comma_separated(schema):
    """The items of a comma-separated list: no comma, and not blank (the gateway strips each);
    text, as every text field (services/chassis/characters.py)."""
    items = schema.get("items", {})
    if items.get("type") == "string" and "enum" not in items and (
            items.get("pattern") in (None, characters.pattern())):
        schema = dict(schema, items=dict(items, pattern=characters.item_pattern()))
    return schema


def _without_null(schema):
    """A query string has no null: absent is how a client leaves a filter out."""
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        kept = [item for item in kind if item != "null"]
        schema = dict(schema, type=kept[0] if len(kept) == 1 else kept)
    if "enum" in schema:
        schema = dict(schema, enum=[value for value in schema["enum"] if value is not None])
    return schema


def parse(args, reference):
    """werkzeug MultiDict → {name: typed value}, validated by the route's query schema.

    Unknown names are a 422, as unknown body fields are for the services."""
    schema = schema_of(reference)
    declared = {param["name"]: param["schema"] for param in parameters(schema)} if schema else {}
    unknown = sorted(set(args) - set(declared))
    if unknown:
        raise HttpProblem(422, "Unknown query parameter(s): " + ", ".join(unknown) + ".",
                          "invalid", errors={name: ["Unknown parameter."] for name in unknown})
    query = {name: _read(name, args.getlist(name), declared[name]) for name in args}
    if schema is not None:
        errors = _instance(schema).validate(query)
        if errors:
            raise invalid_from_marshmallow(ValidationError(errors))
    return query


def _read(name, values, declared):
    kind = declared.get("type")
    if kind == "array":
        return [part.strip() for value in values for part in value.split(",") if part.strip()]
    text = values[-1]
    if kind == "integer":
        if not _INTEGER.fullmatch(text.strip()):
            raise HttpProblem(422, f"Query parameter '{name}' must be an integer.", "invalid",
                              errors={name: ["Not a valid integer."]})
        return int(text)
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered not in _TRUE + _FALSE:
            raise HttpProblem(422, f"Query parameter '{name}' must be true or false.", "invalid",
                              errors={name: ["Not a valid boolean."]})
        return lowered in _TRUE
    return text
