"""Request bodies and query parameters: what is refused, and with which status."""
import io

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import parsing, query
from gateway.problems import HttpProblem
from gateway.routing import resolve_schema
from services.chassis.errors import Invalid
from services.chassis.validation import load


def make_request(data=b"", content_type="application/json", declared_length=True):
    environ = EnvironBuilder(method="POST", data=data, content_type=content_type).get_environ()
    if not declared_length:                     # as for a chunked upload
        environ.pop("CONTENT_LENGTH", None)
        environ["wsgi.input"] = io.BytesIO(data)
    return Request(environ)


def status_of(function, *args):
    with pytest.raises(HttpProblem) as caught:
        function(*args)
    return caught.value.status


def test_json_object_is_parsed():
    assert parsing.parse_json_object('{"name": "Zoë"}'.encode()) == {"name": "Zoë"}


@pytest.mark.parametrize("raw", [b'{"name": ', b"not json", b"\xff\xfe{}", b"", b"   "])
def test_malformed_or_empty_json_is_400(raw):
    assert status_of(parsing.parse_json_object, raw) == 400


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"42", b"null", b"true"])
def test_json_that_is_not_an_object_is_422(raw):
    assert status_of(parsing.parse_json_object, raw) == 422


def test_oversized_body_is_refused_from_content_length_before_reading():
    request = make_request(b"x" * 101)
    request.environ["wsgi.input"] = None         # reading would fail: the header alone decides
    assert status_of(parsing.read_body, request, 100) == 413


def test_oversized_body_without_content_length_is_refused_while_reading():
    request = make_request(b"x" * 5000, declared_length=False)
    assert status_of(parsing.read_body, request, 1000) == 413
    assert request.environ["wsgi.input"].tell() <= 1001     # stopped at the limit, not the end


def test_body_within_limit_is_read_whole():
    assert parsing.read_body(make_request(b"x" * 100), 100) == b"x" * 100
    assert parsing.read_body(make_request(b"y" * 50, declared_length=False), 100) == b"y" * 50


def test_non_numeric_content_length_is_400():
    request = make_request(b"{}")
    request.environ["CONTENT_LENGTH"] = "lots"
    request = Request(request.environ)
    assert status_of(parsing.check_declared_length, request, 100) == 400


@pytest.mark.parametrize("content_type,ok", [
    ("application/json", True), ("application/json; charset=utf-8", True),
    ("application/merge-patch+json", True), ("text/plain", False),
    ("application/x-www-form-urlencoded", False), (None, False)])
def test_media_type(content_type, ok):
    request = make_request(b"{}", content_type=content_type)
    if ok:
        parsing.require_media_type(request, "application/json")
    else:
        assert status_of(parsing.require_media_type, request, "application/json") == 415


def test_csv_text_is_utf8_without_bom():
    assert parsing.decode_text("\ufeffname\nZoë\n".encode("utf-8")) == "name\nZoë\n"
    assert status_of(parsing.decode_text, b"name\n\xff\n") == 400


def test_an_integral_json_number_is_an_integer_and_other_fractions_stay_floats():
    parsed = parsing.parse_json_object(b'{"a": 52.0, "b": 5e2, "c": 0.5, "d": 1e300, "e": 7}')
    assert parsed == {"a": 52, "b": 500, "c": 0.5, "d": 1e300, "e": 7}
    assert [type(parsed[key]) for key in "abcde"] == [int, int, float, float, int]


def test_query_is_typed_by_the_services_query_schema():
    args = MultiDict([("tags_any", "a, b"), ("tags_any", "c"), ("limit", "10"),
                      ("sort", "name"), ("q", "acme")])
    assert query.parse(args, "customers:ListQuery") == {
        "tags_any": ["a", "b", "c"], "limit": 10, "sort": "name", "q": "acme"}
    assert query.parse(MultiDict({"force": "true"}), "customers:CreateOptions") == {"force": True}


@pytest.mark.parametrize("args", [{"limit": "ten"}, {"limit": "1.5"}, {"limit": "١"},
                                  {"limit": "0"}, {"limit": "101"}, {"sort": "colour"},
                                  {"lifecycle_stage": "nope"}, {"colour": "red"}])
def test_wrong_query_types_values_and_unknown_names_are_422(args):
    with pytest.raises((HttpProblem, Invalid)) as caught:
        query.parse(MultiDict(args), "customers:ListQuery")
    assert getattr(caught.value, "status", None) == 422 or caught.value.http_status == 422
    details = getattr(caught.value, "extensions", {}).get("errors") or caught.value.details
    assert set(details) == set(args)


def test_one_query_schema_instance_answers_every_request_alike(monkeypatch):
    """The schema instance is kept per class (gateway/query._instance): a refused query leaves
    nothing on it that changes the next request's answer, and no Schema is built per request."""
    built = []
    schema = query.schema_of("customers:ListQuery")
    real_init = schema.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        real_init(self, *args, **kwargs)
    for _ in range(2):
        with pytest.raises(Invalid) as refused:
            query.parse(MultiDict({"limit": "0", "sort": "colour"}), "customers:ListQuery")
        assert set(refused.value.details) == {"limit", "sort"}
        assert query.parse(MultiDict({"limit": "5"}), "customers:ListQuery") == {"limit": 5}
        monkeypatch.setattr(schema, "__init__", counting)
    assert built == []


def test_a_boolean_query_is_true_or_false():
    with pytest.raises(HttpProblem) as caught:
        query.parse(MultiDict({"force": "maybe"}), "customers:CreateOptions")
    assert caught.value.status == 422


def test_a_query_schema_that_does_not_resolve_is_an_error_not_an_empty_query():
    with pytest.raises(LookupError):
        query.parse(MultiDict(), "customers:NoSuchQuery")


def test_gateway_owned_bodies_check_field_types_and_unknown_fields():
    with pytest.raises(Invalid) as caught:
        load(resolve_schema("customers:BulkTag"), {"customer_ids": "c-1", "tags": [1], "extra": True})
    assert set(caught.value.details) == {"customer_ids", "tags", "extra"}
    with pytest.raises(Invalid) as caught:
        load(resolve_schema("identity:Login"), {"email": "a@example.com", "password": 12345})
    assert set(caught.value.details) == {"password"}


# --- issue 10 finding 5: a deep array and a lone surrogate were 500s ---------------------------

def problem_of(function, *args):
    with pytest.raises(HttpProblem) as caught:
        function(*args)
    return caught.value


@pytest.mark.parametrize("depth", [33, 5000, 200_000])          # the limit is 32
def test_json_nested_too_deep_is_400_not_a_recursion_error(depth):
    body = b'{"a": ' + b"[" * depth + b"]" * depth + b"}"
    problem = problem_of(parsing.parse_json_object, body)
    assert (problem.status, problem.code) == (400, "nesting_too_deep")
    assert problem.extensions["limit"] == parsing.MAX_DEPTH == 32


def test_json_nested_to_the_limit_is_parsed():
    depth = parsing.MAX_DEPTH - 1                  # the object itself is the first level
    body = b'{"a": ' + b"[" * depth + b"]" * depth + b"}"
    assert parsing.parse_json_object(body)["a"] is not None


@pytest.mark.parametrize("body, where", [
    (rb'{"name": "a\ud800b"}', "name"),
    (rb'{"lines": [{"x": 1}, {"name": "\udfff"}]}', "lines[1].name"),
    (rb'{"\ud800": 1}', None),
])
def test_a_lone_surrogate_in_json_is_400_naming_where(body, where):
    problem = problem_of(parsing.parse_json_object, body)
    assert (problem.status, problem.code) == (400, "invalid_unicode")
    assert problem.extensions.get("field") == where


def test_a_surrogate_pair_is_one_valid_character():
    assert parsing.parse_json_object(rb'{"name": "\ud83d\ude00"}') == {"name": "\U0001F600"}


def test_control_characters_in_query_strings_are_422_naming_the_parameter():
    for text in ("a\x00b", "line\nbreak", "\x1b[2J"):
        with pytest.raises(Invalid) as caught:
            query.parse(MultiDict({"q": text}), "customers:ListQuery")
        assert list(caught.value.details) == ["q"]
    with pytest.raises(Invalid) as caught:
        query.parse(MultiDict({"tags_any": "ok,b\x00d"}), "customers:ListQuery")
    assert list(caught.value.details) == ["tags_any"]


def test_an_html_forms_fields_are_its_object():
    """As a browser posts a page in UTF-8: '+' a space, non-ASCII percent-encoded, every input
    sent even when left empty (those are absent, so an empty honeypot or email is no value)."""
    raw = (b"name=J%C3%BCrgen+M%C3%BCller&email=&phone=%2B49+30+123456&website_url="
           b"&message=line+1%0D%0Aline+2")
    assert parsing.parse_form_object(raw) == {
        "name": "Jürgen Müller", "phone": "+49 30 123456", "message": "line 1\r\nline 2"}
    assert parsing.parse_form_object(b"email=a%40b.example&") == {"email": "a@b.example"}


@pytest.mark.parametrize("raw, status", [
    (b"", 400), (b"   ", 400), (b"name=%FF%FE", 400),               # not UTF-8
    ("name=Jürgen".encode(), 400),                                  # not percent-encoded
    (b"&".join(b"f%d=x" % n for n in range(parsing.MAX_FORM_FIELDS + 1)), 400),
    (b"email=a%40b.example&email=c%40d.example", 422)])             # one value a field
def test_a_bad_form_is_refused(raw, status):
    assert status_of(parsing.parse_form_object, raw) == status


def test_a_field_given_twice_is_named():
    with pytest.raises(HttpProblem) as caught:
        parsing.parse_form_object(b"name=a&name=b&email=x%40y.example")
    assert caught.value.extensions["errors"] == {"name": ["Give this field once."]}
