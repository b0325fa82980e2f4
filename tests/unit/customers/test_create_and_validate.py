import pytest

from services.chassis.errors import Conflict, Forbidden, Invalid
from services.customers import normalize
from services.customers.handlers import customers
from tests.unit.customers.support import ADMIN, MANAGER, REP_A, call, create, events

FULL = {"kind": "company", "name": "Acme GmbH", "industry": "Machinery", "size": 250,
        "annual_revenue": "1250000.50", "currency": "EUR", "region": "EU",
        "address": "Hauptstr. 1, Berlin", "phone": "+49 (30) 123-4567", "email": "info@acme.example",
        "website": "https://acme.example", "source": "trade fair", "lifecycle_stage": "prospect",
        "value_class": "A"}


def test_a_customer_round_trips_with_money_as_string_and_utc_times(people):
    created = create(people, REP_A, **FULL)
    assert created["annual_revenue"] == "1250000.50" and created["currency"] == "EUR"
    assert created["owner_id"] == REP_A.user_id and created["created_by"] == REP_A.user_id
    assert created["created_at"].endswith("+00:00") and created["tags"] == []
    fetched = call(people, customers.get_customer, REP_A, created["id"], write=False)
    assert fetched == created
    (_, payload), = events(people, "customer_created")
    assert payload["annual_revenue"] == "1250000.50" and payload["id"] == created["id"]


@pytest.mark.parametrize("text", [
    "Robert'); DROP TABLE customer;--", "<script>alert(1)</script>", "🚀 Rocket & Co",
    "北京科技有限公司", "  padded  ", "Ünïcödé ß"])
def test_strings_are_stored_verbatim(people, text):
    created = create(people, ADMIN, name=text, address=text)
    fetched = call(people, customers.get_customer, ADMIN, created["id"], write=False)
    assert fetched["name"] == text and fetched["address"] == text


@pytest.mark.parametrize("field, value", [
    ("email", "not-an-email"), ("phone", "12345"), ("phone", "call me"),
    ("phone", "1" * 21), ("phone", "12+345678"), ("website", "ftp://acme.example"),
    ("website", "acme"), ("kind", "robot"), ("lifecycle_stage", "won"), ("value_class", "D"),
    ("size", -1), ("size", "12"), ("name", ""), ("name", "   "), ("name", "x" * 201),
    ("annual_revenue", 10.5), ("annual_revenue", "1.001"), ("annual_revenue", "-5"),
    ("annual_revenue", "NaN"), ("currency", "EURO"), ("currency", "XYZ"), ("unknown", "x")])
def test_bad_input_is_invalid_with_the_field_named_and_nothing_stored(people, field, value):
    with pytest.raises(Invalid) as error:
        create(people, ADMIN, **{"currency": "EUR", field: value})
    assert field in error.value.details
    assert events(people, "customer_created") == []


def test_revenue_needs_a_currency(people):
    with pytest.raises(Invalid) as error:
        create(people, ADMIN, annual_revenue="10")
    assert "currency" in error.value.details


def test_integers_are_accepted_as_money(people):
    assert create(people, ADMIN, annual_revenue=10, currency="JPY")["annual_revenue"] == "10.00"


def test_a_rep_cannot_choose_the_owner(people):
    with pytest.raises(Forbidden):
        create(people, REP_A, owner_id=REP_A.user_id)


def test_update_is_partial_refuses_owner_id_and_emits_what_changed(people):
    created = create(people, REP_A, **FULL)
    with pytest.raises(Invalid) as error:
        call(people, customers.update_customer, REP_A, created["id"], {"owner_id": "u-rep-b"})
    assert "owner_id" in error.value.details
    updated = call(people, customers.update_customer, REP_A, created["id"],
                   {"value_class": "B", "annual_revenue": "99.90", "email": None})
    assert updated["value_class"] == "B" and updated["annual_revenue"] == "99.90"
    assert updated["email"] is None and updated["name"] == "Acme GmbH"
    (_, payload), = events(people, "customer_updated")
    assert payload["changed"] == ["annual_revenue", "email", "value_class"]
    assert updated["updated_at"] >= created["updated_at"]


def test_update_without_changes_emits_nothing(people):
    created = create(people, REP_A, **FULL)
    call(people, customers.update_customer, REP_A, created["id"], {"value_class": "A"})
    assert events(people, "customer_updated") == []


# --- duplicates -----------------------------------------------------------------------------

def test_same_email_is_a_duplicate_whatever_the_case(people):
    first = create(people, ADMIN, email="Sales@Acme.example")
    with pytest.raises(Conflict) as error:
        create(people, MANAGER, name="Other", email="sales@acme.EXAMPLE")
    assert error.value.details == {"duplicate_of": first["id"], "match": "email"}


@pytest.mark.parametrize("first, second", [
    (("Acme, Inc.", "+1 (555) 010-0000"), ("ACME  inc", "15550100000")),
    (("北京科技有限公司", "+86 10 1234 5678"), ("北京科技有限公司", "86-10-12345678")),
    (("ＡＣＭＥ　Ｃｏ", "030 1234567"), ("acme co", "(030) 123 4567")),       # full-width forms
    (("Straße AG", "0301234567"), ("STRASSE AG", "030 1234567")),
    (("株式会社トヨタ", "0312345678"), ("株式会社ﾄﾖﾀ", "03-1234-5678")),        # half-width kana
])
def test_same_normalised_name_and_phone_is_a_duplicate(people, first, second):
    original = create(people, ADMIN, name=first[0], phone=first[1])
    with pytest.raises(Conflict) as error:
        create(people, ADMIN, name=second[0], phone=second[1])
    assert error.value.details == {"duplicate_of": original["id"], "match": "name_phone"}


def test_same_name_with_another_phone_or_no_phone_is_not_a_duplicate(people):
    create(people, ADMIN, name="北京科技", phone="+86 10 1234 5678")
    create(people, ADMIN, name="北京科技", phone="+86 10 1234 5679")
    create(people, ADMIN, name="北京科技")
    create(people, ADMIN, name="北京科技")
    create(people, ADMIN, name="南京科技", phone="+86 10 1234 5678")


def test_force_creates_the_twin(people):
    first = create(people, ADMIN, email="a@b.example")
    second = create(people, ADMIN, email="a@b.example", force=True)
    assert second["id"] != first["id"]
    with pytest.raises(Invalid):
        create(people, ADMIN, email="x@b.example", force="yes")


def test_normalisation():
    assert normalize.text("  Ａcme,\tInc.  ") == "acme inc"
    assert normalize.text("北京 科技") == "北京 科技"
    assert normalize.digits("+49 (30) 123-45") == "493012345"
    assert normalize.digits("０３-１２３４") == "031234"
    assert normalize.tag(" VIP  Client ") == "vip client" and normalize.tag("C++") == "c++"


def test_ids_of_customers_contacts_and_interactions_are_time_ordered(people, monkeypatch):
    """Version 7 UUIDs (chassis db.new_ordered_id): the customers table and every consumer's copy
    of it take a new customer at their index's right edge, not at a random page."""
    import uuid

    from services.chassis import db
    from services.customers.handlers import contacts, interactions
    clock = iter(range(1_767_225_600_000, 1_767_225_700_000, 1000))     # 2026-01-01, a second a call
    real = db.new_ordered_id
    monkeypatch.setattr(db, "new_ordered_id", lambda: real(next(clock)))
    made = [create(people, ADMIN, name=f"Ordered {n}")["id"] for n in range(3)]
    made.append(call(people, contacts.add_contact, ADMIN, made[0], {"name": "Ann"})["id"])
    made.append(call(people, interactions.log_interaction, ADMIN, made[0],
                     {"kind": "note", "summary": "s"})["id"])
    assert made == sorted(made) and {uuid.UUID(i).version for i in made} == {7}
