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
