"""webhooks consumes every event type every producer publishes (their contracts,
not a copy of the list), each bound to the right producer's exchange, and posts the producer's
payload as it was published (no tolerant copy: a subscriber gets the producer's contract)."""
import importlib
import json

import pytest

from services import registry
from services.customers.events import EVENT_SCHEMAS as CUSTOMERS
from services.identity.events import EVENT_SCHEMAS as IDENTITY
from services.marketing.events import EVENT_SCHEMAS as MARKETING
from services.procurement.events import EVENT_SCHEMAS as PROCUREMENT
from services.reporting.events import EVENT_SCHEMAS as REPORTING
from services.sales.events import EVENT_SCHEMAS as SALES
from services.service_desk.events import EVENT_SCHEMAS as SERVICE_DESK
from services.webhooks.handlers.recording import body_of
from services.webhooks.service import WebhooksService

PUBLISHED = {"identity": IDENTITY, "customers": CUSTOMERS, "sales": SALES, "marketing": MARKETING,
             "service_desk": SERVICE_DESK, "procurement": PROCUREMENT, "reporting": REPORTING}


def test_every_service_that_publishes_is_a_producer():
    """A new service with events is offered to subscribers, or this says why not."""
    publishing = set()
    for service in registry.SERVICES:
        try:
            events = importlib.import_module(f"services.{service.name}.events")
        except ModuleNotFoundError:
            continue
        if getattr(events, "EVENT_SCHEMAS", None):
            publishing.add(service.name)
    assert publishing - {"webhooks"} == set(PUBLISHED)


def test_every_published_event_type_is_consumed_from_its_producer():
    assert {source: set(types) for source, types in WebhooksService.subscriptions.mapping.items()} \
        == {source: set(schemas) for source, schemas in PUBLISHED.items()}


@pytest.mark.parametrize("source, event_type", [(source, event_type)
                                                for source, schemas in PUBLISHED.items()
                                                for event_type in schemas])
def test_its_live_handler_listens_to_that_producer(source, event_type):
    """Batched: one handler per producer, its queue bound to every type."""
    handler = getattr(WebhooksService, f"on_{source}_events")
    (entrypoint,) = handler.nameko_entrypoints
    assert entrypoint.source_service == source and event_type in entrypoint.event_types


def test_the_body_carries_the_published_payload_unchanged():
    payload = {"id": "c-1", "name": "Ünïcode GmbH", "added_later": [1, 2]}
    envelope = {"event_id": "e-1", "event_type": "customer_created", "version": 1,
                "occurred_at": "2026-01-02T03:04:05+00:00", "source": "customers",
                "sequence": 7, "actor": "u-1", "payload": payload}
    body = json.loads(body_of(envelope))
    assert body == {"type": "customer_created", "timestamp": "2026-01-02T03:04:05+00:00",
                    "data": payload, "event_id": "e-1", "source": "customers", "sequence": 7,
                    "version": 1, "actor": "u-1"}
    assert body_of(envelope) == body_of(dict(envelope))           # the same text every time
