"""The chassis against real RabbitMQ (a vhost per test) and SQLite / PostgreSQL."""
import uuid

import pytest
from nameko.testing.services import entrypoint_hook, entrypoint_waiter
from sqlalchemy import func, select, update

from services.chassis import confirms
from services.chassis.db import create_schema, make_engine
from services.chassis.errors import NotFound
from services.chassis.models import ConsumerPosition, InboxEvent, OutboxEvent
from services.chassis.rpc import ServiceUnavailable
from tests.integration.chassis.toys import Copier, Notes, ToyBase

pytestmark = pytest.mark.dialect_sensitive("the inbox's ON CONFLICT, gapless sequences, replay")


@pytest.fixture
def databases(database_url, monkeypatch, tmp_path):
    """notes on the parametrised database; copier on its own SQLite file."""
    copier_url = f"sqlite:///{tmp_path / 'copier.db'}"
    monkeypatch.setenv("NOTES_DATABASE_URL", database_url)
    monkeypatch.setenv("COPIER_DATABASE_URL", copier_url)
    engines = {"notes": make_engine(database_url), "copier": make_engine(copier_url)}
    for engine in engines.values():
        create_schema(engine, ToyBase.metadata)
    yield engines
    for engine in engines.values():
        engine.dispose()


def relay_of(container):
    """The outbox relay of a service container's `db`."""
    return next(dep for dep in container.dependencies if dep.attr_name == "db").relay


def count(engine, model, *where):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model).where(*where)).scalar()


def test_commit_writes_rows_and_outbox_together_and_publishes(container_factory, rabbit_config, databases):
    notes = container_factory(Notes, rabbit_config)
    copier = container_factory(Copier, rabbit_config)
    notes.start()
    copier.start()

    with entrypoint_waiter(copier, "on_notes_events"):
        with entrypoint_hook(notes, "write_note") as write_note:
            write_note("n1", "héllo 你好 🚀")

    assert count(databases["notes"], OutboxEvent, OutboxEvent.sent_at.is_not(None)) == 1
    with entrypoint_hook(copier, "note_ids") as note_ids:
        assert note_ids() == ["n1"]


def test_failure_rolls_back_rows_and_events(container_factory, rabbit_config, databases):
    notes = container_factory(Notes, rabbit_config)
    notes.start()
    with entrypoint_hook(notes, "write_note") as write_note:
        with pytest.raises(RuntimeError):
            write_note("n1", "x", fail_after_write=True)
    assert count(databases["notes"], OutboxEvent) == 0
    with entrypoint_hook(notes, "get_note") as get_note:
        with pytest.raises(NotFound):
            get_note("n1")


def test_sequences_are_gapless_and_replayable(container_factory, rabbit_config, databases):
    notes = container_factory(Notes, rabbit_config)
    notes.start()
    with entrypoint_hook(notes, "write_note") as write_note:
        for index in range(5):
            write_note(f"n{index}", "t")
        with pytest.raises(RuntimeError):
            write_note("bad", "t", fail_after_write=True)   # a rollback must not leave a gap
        write_note("n5", "t")
    with entrypoint_hook(notes, "events_since") as events_since:
        events = events_since(0, 100)
        assert [event["sequence"] for event in events] == [1, 2, 3, 4, 5, 6]
        assert [event["sequence"] for event in events_since(4, 100)] == [5, 6]
        first = events[0]
        assert first["source"] == "notes" and first["event_type"] == "note_written"
        assert first["actor"] == "tester" and first["payload"] == {"id": "n0", "text": "t"}
        uuid.UUID(first["event_id"])
        assert first["occurred_at"].endswith("+00:00")


def position_and_error(engine):
    with engine.connect() as connection:
        return tuple(connection.execute(
            select(ConsumerPosition.last_sequence, ConsumerPosition.last_error)).one())


def test_late_consumer_catches_up_without_duplicates(container_factory, rabbit_config, databases):
    notes = container_factory(Notes, rabbit_config)
    notes.start()
    with entrypoint_hook(notes, "write_note") as write_note:
        for index in range(3):
            write_note(f"early{index}", "t")
    relay_of(notes).publish_pending()            # no consumer queue yet: the broker drops these

    copier = container_factory(Copier, rabbit_config)
    copier.start()
    with entrypoint_hook(copier, "catch_up_events") as catch_up:
        catch_up()
    assert count(databases["copier"], InboxEvent) == 3
    assert position_and_error(databases["copier"]) == (3, None)

    # A replay from zero re-reads all three: each is recognised as a duplicate, not applied
    # again (applying one twice would fail on the copy's primary key and stop the position).
    with databases["copier"].begin() as connection:
        connection.execute(update(ConsumerPosition).values(last_sequence=0))
    with entrypoint_hook(copier, "catch_up_events") as catch_up:
        catch_up()
    assert position_and_error(databases["copier"]) == (3, None)
    assert count(databases["copier"], InboxEvent) == 3
    with entrypoint_hook(copier, "note_ids") as note_ids:
        assert note_ids() == ["early0", "early1", "early2"]

    # A live event that the catch-up also reads is applied once: the live batch applies it
    # and moves the position over it (it continues the position); a catch-up that reads it
    # anyway (the position set back) finds a duplicate, without an error.
    with entrypoint_waiter(copier, "on_notes_events"):
        with entrypoint_hook(notes, "write_note") as write_note:
            write_note("live", "t")
    assert position_and_error(databases["copier"]) == (4, None)     # not the catch-up's doing
    with databases["copier"].begin() as connection:
        connection.execute(update(ConsumerPosition).values(last_sequence=3))
    with entrypoint_hook(copier, "catch_up_events") as catch_up:
        catch_up()
    assert position_and_error(databases["copier"]) == (4, None)
    assert count(databases["copier"], InboxEvent) == 4
    with entrypoint_hook(copier, "note_ids") as note_ids:
        assert note_ids() == ["early0", "early1", "early2", "live"]


def test_poison_event_is_not_skipped(container_factory, rabbit_config, databases):
    notes = container_factory(Notes, rabbit_config)
    copier = container_factory(Copier, rabbit_config)
    notes.start()
    copier.start()
    with entrypoint_waiter(copier, "on_notes_events"):
        with entrypoint_hook(notes, "write_note") as write_note:
            write_note("p", "poison")
    with entrypoint_hook(notes, "write_note") as write_note:
        write_note("after", "t")
    with entrypoint_hook(copier, "catch_up_events") as catch_up:
        catch_up()
    with databases["copier"].connect() as connection:
        position, error = connection.execute(
            select(ConsumerPosition.last_sequence, ConsumerPosition.last_error)).one()
    assert position == 0 and "poison" in error      # stuck at the failing event, visibly


def test_unsent_events_are_swept_after_a_broker_failure(container_factory, rabbit_config, databases):
    notes = container_factory(Notes, rabbit_config)
    copier = container_factory(Copier, rabbit_config)
    notes.start()
    copier.start()
    relay = relay_of(notes)
    real_publish = relay.publisher.publish

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")
    relay.publisher.publish = broker_down
    with entrypoint_hook(notes, "write_note") as write_note:
        assert write_note("n1", "t") == "n1"     # the write succeeds; the event waits
    relay.publish_pending()                      # the relay's try, while the broker is down
    assert count(databases["notes"], OutboxEvent, OutboxEvent.sent_at.is_(None)) == 1

    relay.publisher.publish = real_publish
    with entrypoint_waiter(copier, "on_notes_events"):
        assert relay.sweep(min_age_seconds=0) == 1
    assert count(databases["notes"], OutboxEvent, OutboxEvent.sent_at.is_(None)) == 0
    assert relay.backlog()[0] == 0


def test_call_to_a_missing_service_fails_fast(container_factory, rabbit_config, databases):
    copier = container_factory(Copier, rabbit_config)
    copier.start()
    with entrypoint_hook(copier, "ask_missing_service") as ask:
        with pytest.raises(ServiceUnavailable):
            ask()


def test_a_hanging_broker_does_not_hold_the_reply(container_factory, rabbit_config, databases, monkeypatch):
    import time

    import eventlet
    monkeypatch.setenv("OUTBOX_PUBLISH_TIMEOUT_SECONDS", "0.2")
    notes = container_factory(Notes, rabbit_config)
    notes.start()
    monkeypatch.setattr(confirms._ConfirmChannel, "publish",                # a broker that never
                        lambda self, messages, batches: eventlet.sleep(30))    # confirms
    started = time.monotonic()
    with entrypoint_hook(notes, "write_note") as write_note:
        assert write_note("n1", "t") == "n1"
    assert time.monotonic() - started < 3          # the deadline, not the broker, decides
    assert count(databases["notes"], OutboxEvent, OutboxEvent.sent_at.is_(None)) == 1
