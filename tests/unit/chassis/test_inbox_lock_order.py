"""Inbox rows go in in key order, whatever the order of a unit's events: two units inserting
overlapping rows (a live batch and a catch-up page, a redelivery after a failover) then lock
them in one order — on PostgreSQL each waits for the other's uncommitted row instead of each
holding one the other waits for (a deadlock). The chassis's inbox and reporting's."""
from sqlalchemy import event as sa_event

from services.chassis import inbox
from services.reporting import inbox as reporting_inbox
from services.reporting.domains import METADATA
from tests.unit.chassis.fakes import make_db
from tests.unit.chassis.test_inbox import Base, event


def inserted_ids(db, insert):
    """The event ids `insert(session)` writes, in the order its statements carry them."""
    ids = []

    def flat(values):
        for value in values.values() if isinstance(values, dict) else values:
            if isinstance(value, (dict, list, tuple)):
                yield from flat(value)
            else:
                yield value

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("INSERT"):
            ids.extend(value for value in flat(parameters)
                       if isinstance(value, str) and value.startswith("e"))
    sa_event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.unit_of_work() as uow:
            insert(uow.session)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", capture)
    return ids


def test_the_chassis_inbox_rows_go_in_in_event_id_order(memory_engine):
    db = make_db(memory_engine, Base.metadata)
    events = [event(3), event(1), event(2)]
    assert inserted_ids(db, lambda session: inbox.record_new(session, events)) == \
        ["e1", "e2", "e3"]


def test_reportings_inbox_rows_go_in_in_projection_and_event_id_order(memory_engine):
    db = make_db(memory_engine, METADATA, source="reporting")
    pairs = [("p-b", event(2)), ("p-a", event(3)), ("p-b", event(1)), ("p-a", event(1))]
    assert inserted_ids(db, lambda session: reporting_inbox._record_new(session, pairs)) == \
        ["e1", "e3", "e1", "e2"]
