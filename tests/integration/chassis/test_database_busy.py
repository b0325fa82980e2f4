"""A call its database gives up to a conflicting transaction answers 503 `database_busy`, not
"database unavailable": PostgreSQL's deadlock victim, SQLite's write lock held past the busy
timeout — both real errors of the real databases here. An outage stays `service_unavailable`
(test_database_outage.py)."""
import sqlite3
from types import SimpleNamespace

import eventlet
import pytest
from nameko.containers import WorkerContext
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from services.chassis.db import make_engine
from services.chassis.rpc import DatabaseBusy, DatabaseUnavailable, _guarded, gave_way
from tests.helpers import wait_until
from tests.integration.lock_waits import waiting_on_a_lock


def a_real_deadlock(url):
    """Two transactions locking rows 1 and 2 in opposite orders; returns the victim's error."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE pair (id integer PRIMARY KEY, v integer)"))
        connection.execute(text("INSERT INTO pair VALUES (1, 0), (2, 0)"))
    errors = []

    def lock(connection, first, second):
        try:
            with connection.begin():
                connection.execute(text("UPDATE pair SET v = v + 1 WHERE id = :id"), {"id": first})
                yield
                connection.execute(text("UPDATE pair SET v = v + 1 WHERE id = :id"), {"id": second})
        except OperationalError as exc:
            errors.append(exc)

    with engine.connect() as one, engine.connect() as two:
        first = lock(one, 1, 2)
        next(first)                                     # one holds row 1
        second = lock(two, 2, 1)
        next(second)                                    # two holds row 2
        waiter = eventlet.spawn(lambda: next(second, None))      # two waits for row 1
        wait_until(lambda: waiting_on_a_lock(engine), timeout=10, message="two waiting")
        next(first, None)                               # one waits for row 2: a deadlock
        waiter.wait()
    engine.dispose()
    (victim,) = errors
    return victim


def guarded_call(error):
    """What an RPC entrypoint answers when its method raises `error`."""
    def method(self):
        raise error
    service = SimpleNamespace(db=None, call_context=WorkerContext(
        SimpleNamespace(service_name="ledger", config={}), None, SimpleNamespace(method_name="add")))
    return _guarded(method)(service)


@pytest.mark.postgres
def test_a_deadlock_victim_is_busy_not_down(postgres_database):
    victim = a_real_deadlock(postgres_database)
    assert gave_way(victim)
    with pytest.raises(DatabaseBusy, match="gave this call up to a conflicting one") as raised:
        guarded_call(victim)
    assert raised.value.code == "database_busy" and raised.value.http_status == 503


def test_sqlites_lock_held_past_the_busy_timeout_is_busy(tmp_path):
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (v)")
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA busy_timeout=50")
            holder.execute("BEGIN IMMEDIATE")           # another writer holds the write lock
            with pytest.raises(OperationalError) as raised:
                connection.exec_driver_sql("INSERT INTO t VALUES (1)")
                connection.commit()
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
    assert gave_way(raised.value)
    with pytest.raises(DatabaseBusy):
        guarded_call(raised.value)


def test_an_outage_is_still_unavailable():
    gone = OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))
    assert not gave_way(gone)
    with pytest.raises(DatabaseUnavailable) as raised:
        guarded_call(gone)
    assert not isinstance(raised.value, DatabaseBusy)
    assert raised.value.code == "service_unavailable"
