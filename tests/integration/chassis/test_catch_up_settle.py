"""A catch-up round that falls after a burst was published but before the live path delivered
any of it (the source looks quiet to LiveProgress, so the round reads the log to its end) leaves
the burst to the live queue (CATCH_UP_SETTLE_SECONDS): each event is applied once, by the live
path. With 0 — the behaviour before — the round applies the burst ahead of the queue and every
live delivery of it is a duplicate. Real RabbitMQ; the producer's log on SQLite / PostgreSQL."""
from eventlet.event import Event
import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import func, select

from services.chassis import inbox
from services.chassis.db import create_schema, make_engine
from services.chassis.models import ConsumerPosition, InboxEvent
from tests.helpers import wait_until
from tests.integration.chassis.toys import Copier, Notes, ToyBase

pytestmark = pytest.mark.dialect_sensitive("the outbox's times read back for the settle cut")

BURST = 20
live = {"gate": None, "entered": 0, "outcomes": []}


class HeldCopier(Copier):
    """The copier whose live path holds its batches at the gate before it has seen them
    (before LiveProgress notes them), like a consumer still busy or starting when the burst
    begins."""

    def apply_events(self, envelopes):
        live["entered"] += 1
        live["gate"].wait()
        outcomes = super().apply_events(envelopes)
        live["outcomes"] += outcomes
        return outcomes


@pytest.fixture
def engines(database_url, monkeypatch, tmp_path):
    copier_url = f"sqlite:///{tmp_path / 'copier.db'}"
    monkeypatch.setenv("NOTES_DATABASE_URL", database_url)
    monkeypatch.setenv("COPIER_DATABASE_URL", copier_url)
    monkeypatch.setenv("CATCH_UP_SECONDS", "3600")          # the test says when to catch up
    monkeypatch.setenv("EVENT_BATCH_SIZE", "5")
    engines = {"notes": make_engine(database_url), "copier": make_engine(copier_url)}
    for engine in engines.values():
        create_schema(engine, ToyBase.metadata)
    live.update(gate=Event(), entered=0, outcomes=[])
    yield engines
    if not live["gate"].ready():
        live["gate"].send()
    for engine in engines.values():
        engine.dispose()


def inbox_rows(engine):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(InboxEvent)).scalar()


def position(engine):
    with engine.connect() as connection:
        return connection.execute(select(ConsumerPosition.last_sequence)).scalar() or 0


@pytest.mark.parametrize("settle, ahead", [("30", 0), ("0", BURST)])
def test_a_burst_the_live_path_has_not_delivered_yet_is_applied_once(
        container_factory, rabbit_config, engines, monkeypatch, settle, ahead):
    monkeypatch.setenv("CATCH_UP_SETTLE_SECONDS", settle)
    notes = container_factory(Notes, rabbit_config)
    copier = container_factory(HeldCopier, rabbit_config)
    notes.start()
    copier.start()
    with entrypoint_hook(notes, "write_note") as write_note:
        for index in range(BURST):                 # one commit each: published one by one
            write_note(f"n{index}", "t")
    wait_until(lambda: live["entered"], timeout=15, message="the first live batch at the gate")

    with entrypoint_hook(copier, "catch_up_events") as catch_up:
        catch_up()
    assert inbox_rows(engines["copier"]) == ahead            # applied ahead of the live queue
    assert position(engines["copier"]) == ahead

    live["gate"].send()
    wait_until(lambda: len(live["outcomes"]) == BURST, timeout=30,
               message=f"{BURST} live deliveries")
    assert live["outcomes"].count(inbox.DUPLICATE) == ahead  # each paid again
    assert live["outcomes"].count(inbox.PROCESSED) == BURST - ahead
    assert inbox_rows(engines["copier"]) == BURST
    wait_until(lambda: position(engines["copier"]) == BURST, message="the live batches' position")
