"""Input schemas: what gets into identity, field by field (through chassis validation.load)."""
import pytest

from services.chassis.errors import Invalid
from services.chassis.validation import load
from services.identity import schemas

GOOD = {"email": "ana@example.com", "name": "Ana", "role": "sales_rep", "password": "long-enough-1"}


def errors_of(schema, data):
    with pytest.raises(Invalid) as caught:
        load(schema, data)
    return caught.value.details


def test_a_good_user_loads_with_the_email_normalised():
    loaded = load(schemas.UserCreate, {**GOOD, "email": "  Ana.Lopez@Example.COM ", "name": " Ana "})
    assert loaded["email"] == "ana.lopez@example.com" and loaded["name"] == "Ana"


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", "a b@example.com", "", 42])
def test_a_bad_email_is_refused(email):
    assert "email" in errors_of(schemas.UserCreate, {**GOOD, "email": email})


@pytest.mark.parametrize("role", ["superuser", "Admin", "system", "", None])
def test_only_the_five_roles_are_accepted(role):
    assert "role" in errors_of(schemas.UserCreate, {**GOOD, "role": role})


def test_every_role_of_the_chassis_is_accepted():
    for role in ("admin", "manager", "sales_rep", "marketer", "agent"):
        assert load(schemas.UserCreate, {**GOOD, "role": role})["role"] == role


def test_unknown_fields_are_refused_not_ignored():
    details = errors_of(schemas.UserCreate, {**GOOD, "password_hash": "x", "is_admin": True})
    assert set(details) == {"password_hash", "is_admin"}


def test_missing_fields_are_named():
    assert set(errors_of(schemas.UserCreate, {})) == {"email", "name", "role", "password"}


def test_short_passwords_and_blank_names_are_refused():
    details = errors_of(schemas.UserCreate, {**GOOD, "password": "123456789", "name": "   "})
    assert set(details) == {"password", "name"}


def test_an_update_is_partial_but_still_validated():
    assert load(schemas.UserUpdate, {"region": None, "active": True}) == {"region": None, "active": True}
    assert set(errors_of(schemas.UserUpdate, {"role": "boss", "email": "x", "id": "u-2"})) \
        == {"role", "email", "id"}


def test_a_non_object_body_is_invalid():
    assert errors_of(schemas.UserCreate, ["not", "a", "dict"]) == {"_schema": ["Expected an object."]}


def test_the_list_query_is_checked():
    details = errors_of(schemas.UserQuery, {"role": "boss", "active": "perhaps", "sort": "x"})
    assert set(details) == {"role", "active", "sort"}


def test_team_and_api_key_names_are_required():
    assert "name" in errors_of(schemas.TeamCreate, {"region": "emea"})
    assert "name" in errors_of(schemas.ApiKeyCreate, {"name": ""})


def test_output_schemas_have_no_secret_fields():
    for schema in (schemas.User(), schemas.ApiKey()):
        assert not {"password", "password_hash", "key_hash"} & set(schema.fields)
    assert schemas.UserCreate().fields["password"].load_only
