"""marketing in a real container (its own alembic chain) on a real RabbitMQ vhost, with stand-in
customers and sales that publish the real event types through the real chassis outbox (so
marketing consumes them live and reads their `events_since` logs)."""
import pytest
from nameko.rpc import rpc
from nameko.testing.services import entrypoint_hook
from sqlalchemy.orm import DeclarativeBase

from services.chassis.db import Database, create_schema, make_engine
from services.chassis.service import ChassisService
from services.marketing.service import MarketingService
from tests.helpers import wait_until
from tests.unit.marketing.support import PRODUCERS


class NoTables(DeclarativeBase):
    pass


def producer(source):
    class Producer(ChassisService):
        name = source
        db = Database(NoTables.metadata, event_schemas=PRODUCERS[source])

        @rpc
        def publish(self, events):
            """[(event_type, payload)] in one transaction (as one business write emits them)."""
            with self.db.unit_of_work(actor="u-rep1") as uow:
                for event_type, payload in events:
                    uow.emit(event_type, payload)
            return [row.sequence for row in uow.emitted]
    Producer.__name__ = f"{source.title()}Producer"
    return Producer


@pytest.fixture
def databases(dialect, migrated_database, monkeypatch, tmp_path):
    url = migrated_database("marketing", dialect)
    monkeypatch.setenv("MARKETING_DATABASE_URL", url)
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
def marketing(container_factory, rabbit_config, databases):
    """Started by the test (after producers published, to prove the catch-up) or at once."""
    return container_factory(MarketingService, rabbit_config)


def call(container, method, *args, principal=None, **kwargs):
    context = {"principal": principal.to_json()} if principal else {}
    with entrypoint_hook(container, method, context_data=context) as hook:
        return hook(*args, **kwargs)


def evaluated(container, segment_id, principal, timeout=30):
    """The segment once its evaluation after its edit is done (the backfill timer's work)."""
    wait_until(lambda: call(container, "get_segment", segment_id, principal=principal)
               ["evaluation"]["status"] == "ready", timeout=timeout,
               message=f"segment {segment_id} evaluated")
    return call(container, "get_segment", segment_id, principal=principal)
