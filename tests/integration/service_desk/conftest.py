"""The service desk in a real container (its own alembic chain) on a real RabbitMQ vhost, with
stand-in customers and identity that publish the real event types through the real chassis
outbox (so the service desk consumes them live and reads their `events_since` logs), and a
listener of the service desk's own events as a consumer would receive them."""
import pytest
from nameko.rpc import rpc
from nameko.testing.services import entrypoint_hook
from sqlalchemy.orm import DeclarativeBase

from services.chassis.db import Database, create_schema, make_engine
from services.chassis.queues import batch_event_handler
from services.chassis.service import ChassisService
from services.service_desk.events import EVENT_SCHEMAS
from services.service_desk.service import ServiceDeskService
from tests.unit.service_desk.support import PRODUCERS


class NoTables(DeclarativeBase):
    pass


def producer(source):
    class Producer(ChassisService):
        name = source
        db = Database(NoTables.metadata, event_schemas=PRODUCERS[source])

        @rpc
        def publish(self, events):
            """[(event_type, payload)] in one transaction (as one business write emits them)."""
            with self.db.unit_of_work(actor="u-admin") as uow:
                for event_type, payload in events:
                    uow.emit(event_type, payload)
            return [row.sequence for row in uow.emitted]
    Producer.__name__ = f"{source.title()}Producer"
    return Producer


RECEIVED = []


def _listener():
    class DeskListener:
        """Every event the service desk publishes, as a consumer receives it off the broker (in
        batches: the desk sends runs of events as packs, which only batched handlers read)."""
        name = "desk_listener"

        @batch_event_handler("service_desk", tuple(EVENT_SCHEMAS))
        def on_service_desk_events(self, envelopes):
            RECEIVED.extend(envelopes)
    return DeskListener


@pytest.fixture
def databases(dialect, migrated_database, monkeypatch, tmp_path):
    url = migrated_database("service_desk", dialect)
    monkeypatch.setenv("SERVICE_DESK_DATABASE_URL", url)
    monkeypatch.setenv("CATCH_UP_SECONDS", "3600")       # the tests say when to catch up
    for source in PRODUCERS:
        producer_url = f"sqlite:///{tmp_path / (source + '.db')}"
        monkeypatch.setenv(f"{source.upper()}_DATABASE_URL", producer_url)
        engine = make_engine(producer_url)
        create_schema(engine, NoTables.metadata)
        engine.dispose()
    return url


@pytest.fixture
def producers(container_factory, rabbit_config, databases):
    containers = {}
    for source in PRODUCERS:
        containers[source] = container_factory(producer(source), rabbit_config)
        containers[source].start()
    return containers


@pytest.fixture
def received(container_factory, rabbit_config):
    RECEIVED.clear()
    container_factory(_listener(), rabbit_config).start()
    return RECEIVED


@pytest.fixture
def desk(container_factory, rabbit_config, databases):
    """Started by the test (after producers published, to prove the catch-up) or at once."""
    return container_factory(ServiceDeskService, rabbit_config)


def call(container, method, *args, principal=None, context=None, **kwargs):
    data = {"principal": principal.to_json()} if principal else {}
    with entrypoint_hook(container, method, context_data={**data, **(context or {})}) as hook:
        return hook(*args, **kwargs)
