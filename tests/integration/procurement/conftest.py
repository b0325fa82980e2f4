"""Procurement in a real container (its own alembic chain, SQLite or PostgreSQL) on a real
RabbitMQ vhost, and a listener of procurement's events as a consumer receives them."""
import pytest
from nameko.testing.services import entrypoint_hook

from services.chassis.queues import batch_event_handler
from services.procurement.events import EVENT_SCHEMAS
from services.procurement.service import ProcurementService

RECEIVED = []


def _listener():
    class ProcurementListener:
        """Every event procurement publishes, as a consumer receives it off the broker (in
        batches: procurement sends runs of events as packs, which only batched handlers read)."""
        name = "procurement_listener"

        @batch_event_handler("procurement", tuple(EVENT_SCHEMAS))
        def on_procurement_events(self, envelopes):
            RECEIVED.extend(envelopes)
    return ProcurementListener


@pytest.fixture
def received(container_factory, rabbit_config):
    RECEIVED.clear()
    container_factory(_listener(), rabbit_config).start()
    return RECEIVED


@pytest.fixture
def procurement(dialect, migrated_database, monkeypatch, container_factory, rabbit_config):
    monkeypatch.setenv("PROCUREMENT_DATABASE_URL", migrated_database("procurement", dialect))
    container = container_factory(ProcurementService, rabbit_config)
    container.start()
    return container


def call(container, method, *args, principal=None, context=None, **kwargs):
    data = {"principal": principal.to_json()} if principal else {}
    with entrypoint_hook(container, method, context_data={**data, **(context or {})}) as hook:
        return hook(*args, **kwargs)
