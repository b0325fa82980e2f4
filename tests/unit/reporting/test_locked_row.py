"""rollups.locked_row: the fact a projection locks and changes, without the flush per event
it used to cost, and without losing a change made to the same row through a query earlier in
the same transaction (pipeline_stage_updated re-weights deals that a later event of the same
batch locks)."""
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from services.reporting import rollups
from services.reporting.domains import METADATA
from services.reporting.domains.customers.models import CustomerFact

DEFAULTS = dict(merged=False, record_sequence=0, owner_sequence=0)


def fresh(memory_engine):
    METADATA.create_all(memory_engine)
    return Session(memory_engine, expire_on_commit=False)


def test_rows_locked_one_after_another_all_keep_their_changes(memory_engine):
    with fresh(memory_engine) as session, session.begin():
        for number in range(3):
            fact = rollups.locked_row(session, CustomerFact, {"id": f"c{number}"}, **DEFAULTS)
            fact.region = f"R{number}"
        assert rollups.locked_row(session, CustomerFact, {"id": "c1"}).region == "R1"
    with Session(memory_engine) as session:
        assert dict(session.execute(select(CustomerFact.id, CustomerFact.region)).all()) == {
            "c0": "R0", "c1": "R1", "c2": "R2"}


def test_a_change_made_through_a_query_survives_the_lock_that_follows(memory_engine):
    with fresh(memory_engine) as session, session.begin():
        session.add(CustomerFact(id="c1", region="old", **DEFAULTS))
    with Session(memory_engine) as session, session.begin():
        loaded = session.scalars(select(CustomerFact)).one()
        loaded.region = "changed"                       # dirty, not flushed
        assert rollups.locked_row(session, CustomerFact, {"id": "c1"}, **DEFAULTS).region == "changed"
    with Session(memory_engine) as session:
        assert session.get(CustomerFact, "c1").region == "changed"


def test_rows_locked_up_front_are_served_without_a_statement_and_keep_their_changes(memory_engine):
    with fresh(memory_engine) as session, session.begin():
        session.add(CustomerFact(id="c1", region="old", **DEFAULTS))
    statements = []
    listener = lambda *args: statements.append(args[2])        # noqa: E731
    with Session(memory_engine, expire_on_commit=False) as session, session.begin():
        loaded = session.scalars(select(CustomerFact)).one()
        loaded.region = "changed"                       # dirty, not flushed
        rollups.lock_rows(session, CustomerFact, ["c2", "c1", "c2"], **DEFAULTS)
        event.listen(memory_engine, "before_cursor_execute", listener)
        first, second = (rollups.locked_row(session, CustomerFact, {"id": key}, **DEFAULTS)
                         for key in ("c1", "c2"))
        assert statements == []
        assert first.region == "changed"
        first.lifecycle_stage, second.owner_id = "customer", "u1"     # different columns
    event.remove(memory_engine, "before_cursor_execute", listener)
    assert [s.split(" SET ")[0] for s in statements if s.startswith("UPDATE")] == [
        "UPDATE customer_fact"]                         # one executemany for both rows
    with Session(memory_engine) as session:
        assert [(row.id, row.region, row.lifecycle_stage, row.owner_id)
                for row in session.scalars(select(CustomerFact).order_by(CustomerFact.id))] == [
            ("c1", "changed", "customer", None), ("c2", None, None, "u1")]


def test_rows_locked_as_values_are_served_without_a_statement_and_only_changed_ones_written(
        memory_engine):
    """customers' facts (rollups.lock_values): plain dicts, one UPDATE for the changed rows at
    commit, rows created for the batch inserted with the defaults first."""
    with fresh(memory_engine) as session, session.begin():
        session.add_all([CustomerFact(id="c1", region="old", **DEFAULTS),
                         CustomerFact(id="c3", region="same", **DEFAULTS)])
    statements = []
    listener = lambda *args: statements.append(args[2])        # noqa: E731
    with Session(memory_engine, expire_on_commit=False) as session, session.begin():
        rollups.lock_values(session, CustomerFact, ["c2", "c1", "c3", "c2"], **DEFAULTS)
        event.listen(memory_engine, "before_cursor_execute", listener)
        first, second, third = (rollups.locked_values(session, CustomerFact, key, **DEFAULTS)
                                for key in ("c1", "c2", "c3"))
        assert statements == []
        assert first["region"] == "old" and second["region"] is None
        assert second["record_sequence"] == 0 and second["merged"] is False
        first["lifecycle_stage"], second["owner_id"] = "customer", "u1"     # different columns
        third["region"] = "same"                                           # no net change
    event.remove(memory_engine, "before_cursor_execute", listener)
    updates = [s for s in statements if s.startswith("UPDATE")]
    assert [s.split(" SET ")[0] for s in updates] == ["UPDATE customer_fact"]
    with Session(memory_engine) as session:
        assert [(row.id, row.region, row.lifecycle_stage, row.owner_id)
                for row in session.scalars(select(CustomerFact).order_by(CustomerFact.id))] == [
            ("c1", "old", "customer", None), ("c2", None, None, "u1"), ("c3", "same", None, None)]


def test_a_row_asked_for_as_a_value_is_locked_alone_and_a_rollback_forgets_it(memory_engine):
    with fresh(memory_engine) as session:
        with session.begin():
            rollups.locked_values(session, CustomerFact, "c1", **DEFAULTS)["region"] = "R"
            session.rollback()
        with session.begin():
            assert rollups.locked_values(session, CustomerFact, "c1", **DEFAULTS)["region"] is None
            rollups.locked_values(session, CustomerFact, "c1", **DEFAULTS)["region"] = "kept"
    with Session(memory_engine) as session:
        assert session.get(CustomerFact, "c1").region == "kept"
