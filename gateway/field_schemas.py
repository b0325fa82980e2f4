"""How the services' marshmallow fields are written in the API document, beyond what apispec's
marshmallow plugin knows: so that a value the document allows is a value the service accepts.

- a field class may say how it is documented with a `json_schema` class attribute (the chassis's
  Money: a decimal string of at most 2 decimals; reporting's filter values);
- the shared validators of services/chassis/fields.py are documented by
  `fields.json_schema_of` (currency → the ISO 4217 codes, a time zone → the IANA zones, phone
  → its pattern, not_blank → at least one non-space character);
- a Decimal dumped as a string is a string (money, DESIGN.md §4), not a JSON number;
- a URL is an absolute http(s) URL with a host name, as marshmallow checks it.
"""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import fields as ma_fields

from services.chassis.fields import json_schema_of

URL_PATTERN = (r"^https?://([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,6}"
               r"(/[A-Za-z0-9._~/-]*)?$")


def _nullable(field, schema):
    if not field.allow_none:
        return schema
    if isinstance(schema.get("type"), str):
        schema = dict(schema, type=[schema["type"], "null"])
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
    declared = getattr(type(field), "json_schema", None)
    if declared:
        extra.update(declared)
        extra.update({key: field.metadata[key] for key in ("pattern", "enum")
                      if key in field.metadata})          # the field's own word wins
    for validator in field.validators:
        extra.update(json_schema_of(validator))
    return _nullable(field, extra)


def spec_with_plugin(**options):
    """(APISpec, MarshmallowPlugin) documenting fields as above: the document and the query
    parser render through the same."""
    plugin = MarshmallowPlugin()
    spec = APISpec(plugins=[plugin], openapi_version="3.1.0", **options)
    plugin.converter.add_attribute_function(documented_as)
    return spec, plugin
