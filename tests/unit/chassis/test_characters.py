"""The one character rule (services/chassis/characters.py) and the chassis's `Input` schemas
that apply it to every field of every input — RPC callers included, not only the gateway."""
import re

import pytest
from marshmallow import fields

from services.chassis import characters
from services.chassis.errors import Invalid
from services.chassis.fields import Boolean, Input, text
from services.chassis.validation import load


class Line(Input):
    label = text(50, required=True)


class Thing(Input):
    name = text(100, required=True)
    notes = text(1000, multiline=True)
    tags = fields.List(fields.String())
    lines = fields.List(fields.Nested(Line))
    when = fields.Date(allow_none=True)
    active = Boolean()


def errors_of(data, schema=Thing):
    with pytest.raises(Invalid) as caught:
        load(schema, data)
    return caught.value.details


@pytest.mark.parametrize("value", ["a\x00b", "a\x07", "\x1b[31mred", "a\x7f", "a\x85b", "a\x9f",
                                   "a\nb", "a\rb", "a\tb", "a\ud800b", "\udfff"])
def test_a_single_line_field_refuses_controls_and_surrogates(value):
    assert list(errors_of({"name": value})) == ["name"]


@pytest.mark.parametrize("value", ["line 1\nline 2", "a\r\nb", "col\tcol"])
def test_a_multi_line_field_takes_tabs_and_line_breaks(value):
    assert load(Thing, {"name": "ok", "notes": value})["notes"] == value


@pytest.mark.parametrize("value", ["a\x00", "a\x0b", "a\x0c", "a\x85", "a\ud800"])
def test_a_multi_line_field_refuses_the_other_controls(value):
    assert list(errors_of({"name": "ok", "notes": value})) == ["notes"]


def test_the_message_names_the_character_and_where():
    assert errors_of({"name": "ab\x00"}) == {
        "name": ["Control character U+0000 at position 2 is not allowed."]}
    assert "lone surrogate U+D800" in errors_of({"name": "\ud800"})["name"][0]


def test_lists_nested_objects_and_other_field_types_are_checked_too():
    assert errors_of({"name": "ok", "tags": ["fine", "bad\x00"]}) == {
        "tags": {1: ["Control character U+0000 at position 3 is not allowed."]}}
    assert errors_of({"name": "ok", "lines": [{"label": "x"}, {"label": "y\n"}]})["lines"] == {
        1: {"label": ["A line break or tab U+000A at position 1 is not allowed."]}}
    assert list(errors_of({"name": "ok", "when": "2024-01-01\x00"})) == ["when"]
    assert list(errors_of({"name": "ok", "f\x00o": 1})) == ["_schema"]


def test_strange_but_valid_text_is_kept_verbatim():
    for value in ["😀 Emoji Ltd 🚀", "株式会社テスト", "Ünïcödé Straße", "مرحبا", "a\u200bb",
                  "Robert'); DROP TABLE customer;--", "<script>alert(1)</script>"]:
        assert load(Thing, {"name": value})["name"] == value


def test_booleans_are_true_or_false_only():
    assert load(Thing, {"name": "ok", "active": False})["active"] is False
    for value in (0, 1, "true", "yes", None):
        assert list(errors_of({"name": "ok", "active": value})) == ["active"]


@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize("not_blank", [False, True])
def test_the_documented_pattern_accepts_exactly_what_the_rule_accepts(multiline, not_blank):
    """The document's `pattern` (ECMA-262 escapes, also valid for Python's re) and the rule
    agree on every character of the first two Unicode blocks and a sample beyond."""
    pattern = re.compile(characters.pattern(multiline=multiline, not_blank=not_blank))
    for code in [*range(0x250), 0x2028, 0x3000, 0xFEFF, 0x1F600, 0x10FFFF]:
        value = f"a{chr(code)}b"
        assert bool(pattern.fullmatch(value)) == (characters.problem(value, multiline) is None), hex(code)
    assert bool(pattern.fullmatch(" \t ")) == (multiline and not not_blank)
