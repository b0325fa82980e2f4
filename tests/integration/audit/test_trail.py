"""audit consuming real events over RabbitMQ on SQLite and PostgreSQL: the trail per record
and per user, scoped; bursts of one record's events applied in order whatever the live
delivery order; the catch-up fills what the live path never saw."""
import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from services.audit import rebuild
from services.audit.models import AuditEntry
from services.chassis.auth import Principal
from services.chassis.db import Database
from tests.helpers import wait_until
from tests.integration.audit.conftest import call

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
ADMIN = Principal("u-admin", "admin")
REP1 = Principal("u-rep1", "sales_rep")
REP2 = Principal("u-rep2", "sales_rep")


def customer(**changes):
    return {"id": "c-1", "kind": "company", "name": "Acme", "lifecycle_stage": "lead",
            "owner_id": "u-rep1", "created_by": "u-rep1", "created_at": T0, "updated_at": T0,
            **changes}


def renamed(name):
    return ("customer_updated", {**customer(name=name), "changed": ["name"]})


def db_of(container):
    provider = next(d for d in container.dependencies if isinstance(d, Database))
    return provider.get_dependency(None)


def entry_count(system):
    with db_of(system["audit"]).read_only() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def wait_entries(system, count):
    wait_until(lambda: entry_count(system) >= count, message=f"{count} audit entries")


def test_a_customers_changes_read_per_record_and_per_user_and_scoped(system):
    call(system["customers"], "publish", [("customer_created", customer())])
    call(system["customers"], "publish", [renamed("Acme Ltd")])
    call(system["customers"], "publish", [renamed("Acme Group")], actor="u-mgr")
    wait_entries(system, 3)

    page = call(system["audit"], "list_changes",
                {"record_type": "customer", "record_id": "c-1"}, principal=REP1)
    assert [(i["field"], i["old_value"], i["new_value"], i["actor_id"]) for i in page["items"]] == [
        ("name", "Acme Ltd", "Acme Group", "u-mgr"), ("name", "Acme", "Acme Ltd", "u-rep1"),
        (None, None, page["items"][2]["new_value"], "u-rep1")]
    assert call(system["audit"], "list_changes", {"actor_id": "u-mgr"},
                principal=ADMIN)["items"][0]["new_value"] == "Acme Group"
    assert call(system["audit"], "list_changes", {}, principal=REP2)["items"] == []
    history = call(system["audit"], "customer_history", "c-1", {}, principal=REP1)
    assert len(history["items"]) == 3


@pytest.mark.dialect_sensitive("the live path's position lock and inbox ON CONFLICT under "
                               "concurrent workers")
def test_a_burst_of_one_records_changes_chains_from_each_to_the_next(system):
    """Each event its own message, published as fast as they go: the live handlers receive
    them concurrently (one queue per event type) and the chain old → new has no gap."""
    call(system["customers"], "publish", [("customer_created", customer())])
    names = [f"Acme {n}" for n in range(30)]
    for name in names:
        call(system["customers"], "publish", [renamed(name), (
            "customer_tagged", {"customer_id": "c-1", "tags": [name.replace(" ", "-")],
                                "added": [], "removed": []})])
    wait_entries(system, 1 + 2 * len(names))
    with db_of(system["audit"]).read_only() as session:
        rows = session.execute(select(AuditEntry.old_value, AuditEntry.new_value)
                               .where(AuditEntry.field == "name")
                               .order_by(AuditEntry.sequence)).all()
    chain = [(json.loads(old), json.loads(new)) for old, new in rows]
    assert chain == list(zip(["Acme"] + names[:-1], names))


@pytest.mark.dialect_sensitive("a rebuild's DELETEs, then a replay racing the live path")
def test_a_rebuild_replays_the_logs_into_the_same_trail(system):
    """Emptied (services/audit/rebuild.py), the trail comes back from the producers' logs as it
    was: the next live event is out of order (the position is 0), so the catch-up replays."""
    call(system["customers"], "publish", [("customer_created", customer())])
    call(system["customers"], "publish", [renamed("Acme Ltd")])
    wait_entries(system, 2)
    before = call(system["audit"], "list_changes", {}, principal=ADMIN)["items"]
    with db_of(system["audit"]).engine.begin() as connection:
        rebuild.reset(connection)
    assert entry_count(system) == 0
    call(system["customers"], "publish", [renamed("Acme Group")])
    wait_entries(system, 3)
    after = call(system["audit"], "list_changes", {}, principal=ADMIN)["items"]
    assert after[1:] == before
    assert (after[0]["old_value"], after[0]["new_value"]) == ("Acme Ltd", "Acme Group")


@pytest.mark.dialect_sensitive("the scopes' subqueries over the records table (tickets by their "
                               "customer's owner, orders by their request)")
def test_every_producers_records_have_a_trail_read_as_their_producer_lets_them(system):
    """Tickets, campaigns and purchase requests / orders arrive live from their producers
    (issue 10 §10: the trail covered only identity, customers and sales) and are read by whom
    their producer lets read them."""
    agent = Principal("u-agent", "agent", team_id="t-support")
    marketer = Principal("u-mkt", "marketer")
    buyer = Principal("u-buyer", "buyer")
    call(system["customers"], "publish", [("customer_created", customer())])
    call(system["service_desk"], "publish", [
        ("ticket_created", {"id": "tk-1", "customer_id": "c-1", "subject": "Broken",
                            "priority": "normal", "team_id": "t-support", "assignee_id": None,
                            "tags": [], "status": "new", "created_at": T0, "updated_at": T0}),
        ("ticket_status_changed", {"ticket_id": "tk-1", "customer_id": "c-1",
                                   "from_status": "new", "to_status": "open",
                                   "changed_by": "u-agent", "changed_at": T0})],
        actor="u-agent")
    call(system["marketing"], "publish", [
        ("campaign_created", {"id": "cp-1", "name": "Spring", "status": "draft",
                              "owner_id": "u-mkt", "segment_ids": [], "changed_at": T0}),
        ("campaign_updated", {"id": "cp-1", "name": "Spring sale", "status": "draft",
                              "owner_id": "u-mkt", "segment_ids": [], "changed_at": T0})],
        actor="u-mkt")
    call(system["procurement"], "publish", [
        ("purchase_request_created", {"id": "pr-1", "requester_id": "u-rep1",
                                      "requester_team_id": "t-1", "title": "Laptops",
                                      "status": "draft", "lines": [], "created_at": T0}),
        ("purchase_order_created", {"id": "po-1", "number": "PO-1", "request_id": "pr-1",
                                    "status": "draft", "lines": [], "created_at": T0}),
        ("purchase_order_status_changed", {"order_id": "po-1", "number": "PO-1",
                                           "accepted_value": "0.00", "from_status": "draft",
                                           "to_status": "sent", "changed_at": T0})],
        actor="u-buyer")
    wait_entries(system, 1 + 2 + 2 + 3)

    def seen(principal):
        page = call(system["audit"], "list_changes", {"limit": 100}, principal=principal)
        return {(item["record_type"], item["record_id"], item["field"]) for item in page["items"]}

    assert seen(agent) >= {("ticket", "tk-1", "status"), ("ticket", "tk-1", None)}
    assert not {kind for kind, _id, _field in seen(agent)} & {"campaign", "purchase_request"}
    assert {kind for kind, _id, _field in seen(marketer)} >= {"campaign", "customer"}
    assert ("campaign", "cp-1", "name") in seen(marketer)
    assert not {kind for kind, _id, _field in seen(marketer)} & {"ticket", "purchase_order"}
    assert {(kind, field) for kind, _id, field in seen(REP1)} >= {  # their customer's ticket,
        ("ticket", "status"), ("purchase_request", None)}            # their own request
    assert "purchase_order" not in {kind for kind, _id, _field in seen(REP1)}  # ORDERS_READ
    assert ("purchase_order", "po-1", "status") in seen(buyer)
    assert seen(REP2) == set()
