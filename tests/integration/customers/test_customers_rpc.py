"""The customers RPC surface over a real broker: errors cross as domain errors, scopes hold,
events are logged with their envelope, money and text survive the round trip."""
from decimal import Decimal

import pytest
from nameko.exceptions import RemoteError
from sqlalchemy import select, text

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from services.customers.models import Customer
from tests.integration.customers.support import ADMIN, REPS, proxy, publish_reps, rpc

MANAGER = Principal("u-manager", "manager", team_id="team-1")
OUTSIDER = Principal("u-rep-z", "sales_rep", team_id="team-9", region="US")


@pytest.mark.dialect_sensitive("text search (FTS5 vs pg_trgm), case-insensitive email uniqueness, Unicode")
def test_crud_scopes_and_errors_over_rpc(services, databases, rabbit_config):
    publish_reps(services, databases)
    rep_a = REPS[0]
    with proxy(rabbit_config, rep_a) as customers:
        created = customers.create_customer({
            "name": "北京 «Ünïcode» 🚀 '; DROP TABLE customer;--", "email": "a@x.example",
            "annual_revenue": "12345678901.99", "currency": "CNY", "region": "APAC"})
        assert created["owner_id"] == rep_a.user_id
        assert created["annual_revenue"] == "12345678901.99"
        with pytest.raises(Conflict) as duplicate:
            customers.create_customer({"name": "Twin", "email": "A@X.example"})
        assert duplicate.value.details == {"duplicate_of": created["id"], "match": "email"}
        with pytest.raises(Invalid) as invalid:
            customers.create_customer({"name": "x", "phone": "nope"})
        assert "phone" in invalid.value.details
        with pytest.raises(Forbidden):
            customers.assign_customer(created["id"], rep_a.user_id)
        assert customers.list_customers({"q": "北京"})["items"][0]["id"] == created["id"]
    with proxy(rabbit_config, OUTSIDER) as customers:
        with pytest.raises(NotFound):
            customers.get_customer(created["id"])
        with pytest.raises(NotFound):
            customers.update_customer(created["id"], {"industry": "x"})
        assert customers.list_customers({})["items"] == []
        assert customers.export_customers({}).count("\r\n") == 1        # the header only
    with proxy(rabbit_config, MANAGER) as customers:
        moved = customers.assign_customer(created["id"], "u-rep-b")
        assert moved["owner_id"] == "u-rep-b"


@pytest.mark.dialect_sensitive("a create's row written by a Core INSERT: money in cents, UTC times")
def test_a_create_stores_every_field_it_answers(services, databases):
    """The new customer is inserted as built (handlers/customers.insert, not the ORM's unit of
    work): what the create answers is what a read answers and what the row holds, column by
    column — money as cents, the normalised keys, the owner chosen, the times."""
    publish_reps(services, databases)
    parent = rpc(services["customers"], "create_customer", ADMIN, {"name": "Parent Holding"})
    created = rpc(services["customers"], "create_customer", ADMIN, {
        "name": "Ünïcode Tools GmbH", "kind": "company", "industry": "Tools", "size": 42,
        "annual_revenue": "1234.56", "currency": "EUR", "region": "EU", "address": "Hauptstr. 1",
        "phone": "+49 30 1234 5678", "email": "Info@Tools.example", "website": "https://tools.example",
        "source": "fair", "lifecycle_stage": "customer", "value_class": "A",
        "parent_id": parent["id"], "owner_id": REPS[1].user_id})
    assert rpc(services["customers"], "get_customer", ADMIN, created["id"]) == created
    assert created["annual_revenue"] == "1234.56" and created["owner_id"] == REPS[1].user_id
    with databases["customers"].connect() as connection:
        row = connection.execute(select(Customer.__table__).where(
            Customer.__table__.c.id == created["id"])).mappings().one()
        cents = connection.execute(text("SELECT annual_revenue_cents FROM customer WHERE id = :id"),
                                   {"id": created["id"]}).scalar_one()
    assert cents == 123456 and row["annual_revenue_cents"] == Decimal("1234.56")
    assert row["merged_into"] is None
    assert (row["name_norm"], row["email_norm"], row["phone_norm"]) == (
        "ünïcode tools gmbh", "info@tools.example", "493012345678")
    assert "ünïcode" in row["search_text"] and row["created_by"] == ADMIN.user_id


def test_a_call_without_a_principal_is_unauthorized(services, rabbit_config):
    from nameko.standalone.rpc import ServiceRpcProxy
    with ServiceRpcProxy("customers", rabbit_config) as customers:
        with pytest.raises(Unauthorized):
            customers.list_customers({})


def test_events_carry_the_envelope_and_plain_json(services, databases):
    rpc(services["customers"], "create_customer", ADMIN,
        {"name": "Evented", "annual_revenue": "1.10", "currency": "EUR"})
    (event,) = rpc(services["customers"], "events_since", ADMIN, 0, 10)
    assert event["event_type"] == "customer_created" and event["source"] == "customers"
    assert event["actor"] == ADMIN.user_id and event["payload"]["annual_revenue"] == "1.10"


@pytest.mark.dialect_sensitive("a merge's multi-row moves; tag rows")
def test_merge_redirect_timeline_and_tags_over_rpc(services, databases):
    call = lambda method, *args: rpc(services["customers"], method, ADMIN, *args)  # noqa: E731
    winner = call("create_customer", {"name": "Winner"})["id"]
    loser = call("create_customer", {"name": "Loser"})["id"]
    call("tag_customers", [loser], ["vip"])
    call("log_interaction", loser, {"kind": "meeting", "summary": "kick-off"})
    call("merge_customers", winner, loser)
    redirected = call("get_customer", loser)
    assert redirected["id"] == winner and redirected["redirected_from"] == loser
    assert redirected["tags"] == ["vip"]
    assert call("get_timeline", winner)["items"][0]["summary"] == "kick-off"
    with pytest.raises(Conflict):
        call("update_customer", loser, {"industry": "x"})
    with pytest.raises((Invalid, RemoteError)):
        call("get_timeline", winner, None, 10**9)
