"""A service whose PostgreSQL goes away answers a 503 (not a 500) and serves again by itself
once the database is back. Issue 10 chaos run: during a PostgreSQL restart the gateway answered
500 internal_error for every write that met the broken connections. On a dedicated PostgreSQL
server of the test's own (tests/chaos/instances.py), never the machine's."""
import eventlet
import pytest
from nameko.testing.services import entrypoint_hook

from sqlalchemy.exc import OperationalError

from services.chassis.db import create_schema, make_engine, wait_for_database
from services.chassis.rpc import DatabaseUnavailable
from tests.chaos.instances import DedicatedPostgres
from tests.helpers import wait_until
from tests.integration.chassis.ledger import Front, Ledger, LedgerBase

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres():
    server = DedicatedPostgres()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop()
        server.remove()


def add(front, text):
    with entrypoint_hook(front, "add") as call:
        return call(text, timeout=10.0)


def test_a_database_outage_is_a_503_and_the_service_recovers(
        postgres, container_factory, rabbit_config, monkeypatch):
    url = postgres.url("postgres")
    engine = make_engine(url)
    create_schema(engine, LedgerBase.metadata)
    engine.dispose()
    monkeypatch.setenv("LEDGER_DATABASE_URL", url)
    ledger, front = container_factory(Ledger, rabbit_config), container_factory(Front, rabbit_config)
    ledger.start()
    front.start()
    assert add(front, "before")["text"] == "before"

    postgres.kill()             # immediate stop: the pooled connections die with the server
    with pytest.raises(DatabaseUnavailable, match="ledger service's database is unavailable"):
        add(front, "while down")
    with pytest.raises(DatabaseUnavailable):
        add(front, "still down")          # a fresh connection is refused: the same answer

    postgres.start()
    assert add(front, "after")["text"] == "after"       # pre-ping replaces the dead connections
    assert not ledger._died.ready()


def test_a_service_started_while_its_database_is_down_waits_for_it(
        postgres, container_factory, rabbit_config, monkeypatch, caplog):
    """The chaos run saw identity exit twice when started (after a kill -9) while PostgreSQL
    was down: the container's start touched the database and failed. Now it waits."""
    url = postgres.url("postgres")
    engine = make_engine(url)
    create_schema(engine, LedgerBase.metadata)
    engine.dispose()
    monkeypatch.setenv("LEDGER_DATABASE_URL", url)
    postgres.kill()
    ledger, front = container_factory(Ledger, rabbit_config), container_factory(Front, rabbit_config)
    starting = eventlet.spawn(ledger.start)
    wait_until(lambda: "database not reachable yet" in caplog.text, timeout=30,
               message="the starting service to say it waits for its database")
    assert not starting.dead                     # still waiting, not failed

    postgres.start()
    starting.wait()
    front.start()
    assert add(front, "after the wait")["text"] == "after the wait"


def test_a_database_that_never_comes_gives_up_after_the_wait(postgres, monkeypatch):
    engine = make_engine(postgres.url("postgres"))
    postgres.kill()
    with pytest.raises(OperationalError):
        wait_for_database(engine, timeout=1.0)


def test_a_missing_database_is_not_waited_for(postgres):
    engine = make_engine(postgres.url("no_such_database"))
    with pytest.raises(OperationalError, match="does not exist"):
        wait_for_database(engine, timeout=60.0)
