"""payloads.loader: marshmallow's result and errors, without its machinery for a plain copy."""
from datetime import datetime, timezone

import pytest
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, post_load, validate

from services.chassis import payloads


class Copy(Schema):
    class Meta:
        unknown = EXCLUDE
    id = fields.String(required=True)
    name = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True, load_default=None)
    at = fields.AwareDateTime(required=True)
    tags = fields.List(fields.String(), load_default=list)


GOOD = {"id": "c1", "name": "Acme 上海", "at": "2026-12-05T12:00:00+00:00", "extra": 1}


def test_a_plain_copy_loads_what_marshmallow_loads_without_it():
    schema = Copy()
    load = payloads.loader(schema)
    assert load is not schema.load
    assert load(GOOD) == schema.load(GOOD) == {
        "id": "c1", "name": "Acme 上海", "size": None, "tags": [],
        "at": datetime(2026, 12, 5, 12, tzinfo=timezone.utc)}


@pytest.mark.parametrize("payload", [
    {**GOOD, "id": None}, {**GOOD, "id": 5}, {"name": "x"}, {**GOOD, "at": "2026-12-05T12:00:00"},
    {**GOOD, "size": "many"}, [GOOD], "text"])
def test_errors_are_marshmallows_own(payload):
    schema = Copy()
    with pytest.raises(ValidationError) as expected:
        schema.load(payload)
    with pytest.raises(ValidationError) as got:
        payloads.loader(schema)(payload)
    assert got.value.messages == expected.value.messages


class Hooked(Copy):
    @post_load
    def upper(self, data, **kwargs):
        return {**data, "id": data["id"].upper()}


class Strict(Copy):
    class Meta:
        unknown = RAISE


class Validated(Copy):
    name = fields.String(validate=validate.Length(max=3))


@pytest.mark.parametrize("schema_class", [Hooked, Strict, Validated])
def test_anything_but_a_plain_copy_is_loaded_by_marshmallow(schema_class):
    schema = schema_class()
    assert not payloads.is_plain(schema)
    assert payloads.loader(schema) == schema.load
