"""The audience copy from customers' and sales' events: a customer is its own contact, contact
persons join it, tags / owner / interactions / purchases land on the profile; an older event
never overwrites a newer one whatever order the queues deliver them in; merges move contacts
and purchases; a repeated event changes nothing; unknown customers stay out of the audience."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import create_engine

from services.chassis import inbox
from services.chassis.auth import Principal
from services.chassis.errors import Invalid, NotFound
from services.marketing.audience import handlers
from tests.unit.marketing.support import (T0, Log, apply, contact, customer, deal,
                                          marketing_db, order, updated)

MARKETER = Principal("u-mkt", "marketer")


@pytest.fixture
def db():
    return marketing_db(create_engine("sqlite://"))


def member(db, contact_id):
    with db.read_only() as session:
        return handlers.get_member(session, MARKETER, contact_id)


def page(db, **query):
    with db.read_only() as session:
        return handlers.list_audience(session, MARKETER, query)


def test_a_customer_and_its_contact_persons_are_the_audience(db):
    customers = Log("customers")
    apply(db, customers.emit("customer_created", customer()),
          customers.emit("contact_added", contact()),
          customers.emit("customer_tagged", {"customer_id": "c-1", "tags": ["vip", "education"],
                                             "added": ["vip", "education"], "removed": []}),
          customers.emit("interaction_logged", {
              "id": "i-1", "customer_id": "c-1", "kind": "call", "occurred_at": T0,
              "user_id": "u-rep1", "summary": "hello", "outcome": None, "contact_id": None,
              "owner_id": "u-rep1"}))
    itself = member(db, "c-1")
    assert (itself["kind"], itself["name"], itself["email"], itself["region"]) == (
        "customer", "Acme", "info@acme.example", "north")
    assert itself["tags"] == ["education", "vip"] and itself["value_class"] == "A"
    assert itself["last_interaction_at"] == T0.isoformat()
    person = member(db, "ct-1")
    assert (person["kind"], person["name"], person["email"], person["customer_name"],
            person["industry"]) == ("contact", "Ada Lovelace", None, "Acme", "education")
    assert [i["id"] for i in page(db)["items"]] == ["c-1", "ct-1"]
    assert [i["id"] for i in page(db, kind="contact")["items"]] == ["ct-1"]


def test_an_older_event_never_overwrites_a_newer_one(db):
    customers = Log("customers")
    created = customers.emit("customer_created", customer())
    renamed = customers.emit("customer_updated", updated(["name"], name="Acme Ltd"))
    assigned = customers.emit("customer_assigned", {
        "id": "c-1", "owner_id": "u-rep2", "previous_owner_id": "u-rep1", "region": "south",
        "reason": "manual", "assigned_by": "u-admin"})
    late = customers.emit("customer_updated", updated(["industry"], name="Acme Ltd",
                                                       industry="retail", owner_id="u-rep2",
                                                       region="south"))
    # delivered: the assignment, the last update, then the two older ones
    assert apply(db, assigned, late, renamed, created) == [inbox.PROCESSED] * 4
    profile = member(db, "c-1")
    assert (profile["name"], profile["industry"]) == ("Acme Ltd", "retail")
    assert (profile["owner_id"], profile["region"]) == ("u-rep2", "south")
    assert apply(db, assigned) == [inbox.DUPLICATE]


def test_purchases_sum_won_deals_per_currency_and_collect_products(db):
    customers, sales = Log("customers"), Log("sales")
    apply(db, customers.emit("customer_created", customer()),
          sales.emit("deal_won", deal()),
          sales.emit("deal_won", deal(id="d-2", amount="250.10", currency="USD",
                                      closed_at=T0 + timedelta(days=3))),
          sales.emit("order_placed", order()))
    profile = member(db, "c-1")
    assert profile["lifetime_value"] == [{"currency": "EUR", "amount": "1000.00"},
                                         {"currency": "USD", "amount": "250.10"}]
    assert profile["products"] == ["p-1", "p-2"]
    assert profile["last_purchase_at"] == (T0 + timedelta(days=3)).isoformat()
    # the USD deal reopened later: no longer a purchase
    apply(db, sales.emit("deal_stage_changed", {
        "deal_id": "d-2", "from_stage": "won", "to_stage": "negotiation", "probability": 60,
        "amount": "250.10", "currency": "USD", "owner_id": "u-rep1", "changed_by": "u-mgr",
        "changed_at": T0 + timedelta(days=4), "reason": None}))
    assert member(db, "c-1")["lifetime_value"] == [{"currency": "EUR", "amount": "1000.00"}]
    # the stage change that came with the win itself changes nothing
    apply(db, sales.emit("deal_stage_changed", {
        "deal_id": "d-1", "from_stage": "negotiation", "to_stage": "won", "probability": 100,
        "amount": "1000.00", "currency": "EUR", "owner_id": "u-rep1", "changed_by": "u-rep1",
        "changed_at": T0 + timedelta(days=1), "reason": None}))
    assert Decimal(member(db, "c-1")["lifetime_value"][0]["amount"]) == Decimal("1000.00")


def test_a_merge_moves_contacts_and_purchases_to_the_winner(db):
    customers, sales = Log("customers"), Log("sales")
    apply(db, customers.emit("customer_created", customer()),
          customers.emit("customer_created", customer(id="c-2", name="Acme Dup")),
          customers.emit("contact_added", contact(id="ct-2", customer_id="c-2")),
          sales.emit("deal_won", deal(customer_id="c-2")),
          customers.emit("customer_merged", {"winner_id": "c-1", "loser_id": "c-2",
                                             "merged_at": T0, "contacts_moved": 1,
                                             "interactions_moved": 0, "tags": ["merged"]}))
    with pytest.raises(NotFound):
        member(db, "c-2")
    assert member(db, "ct-2")["customer_id"] == "c-1"
    winner = member(db, "c-1")
    assert winner["tags"] == ["merged"]
    assert winner["lifetime_value"] == [{"currency": "EUR", "amount": "1000.00"}]
    # a purchase of the loser arriving after the merge lands on the winner too
    apply(db, sales.emit("order_placed", order(customer_id="c-2")))
    assert member(db, "c-1")["products"] == ["p-1", "p-2"]


def test_a_customer_not_yet_created_is_not_in_the_audience(db):
    customers = Log("customers")
    tagged = customers.emit("customer_tagged", {"customer_id": "c-9", "tags": ["x"],
                                                "added": ["x"], "removed": []})
    added = customers.emit("contact_added", contact(customer_id="c-9"))
    apply(db, tagged, added)
    assert page(db)["items"] == []
    with pytest.raises(NotFound):
        member(db, "ct-1")
    apply(db, customers.emit("customer_created", customer(id="c-9")))
    assert member(db, "ct-1")["tags"] == ["x"]


def test_pages_and_bad_queries(db):
    customers = Log("customers")
    apply(db, *(customers.emit("customer_created", customer(id=f"c-{n}")) for n in range(3)))
    first = page(db, limit=2)
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = page(db, limit=2, cursor=first["next_cursor"])
    assert [i["id"] for i in rest["items"]] == ["c-2"] and rest["next_cursor"] is None
    with pytest.raises(Invalid) as error:
        page(db, kind="robot")
    assert "kind" in error.value.details
    with pytest.raises(Invalid) as error:
        page(db, colour="red")
    assert "colour" in error.value.details


def test_an_unreadable_payload_fails_visibly_and_records_nothing(db):
    customers = Log("customers")
    envelope = customers.emit("customer_created", customer())
    envelope["payload"].pop("name")
    with pytest.raises(ValueError, match="customer_created"):
        apply(db, envelope)
    assert page(db)["items"] == []
