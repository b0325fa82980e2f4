"""audit consumes every event type every service publishes — every service of
services/registry.py with events (their contracts, not a copy of the list) — has decided for
each what it records (services/audit/records.py READERS, so a new event type fails here until
it is read or declared a no-op), and reads fields the
producers' schemas actually carry: every audited field of every record type is carried by some
event, so a renamed field is caught here rather than silently missing from the trail."""
import importlib

import pytest
from marshmallow import fields

from services import registry
from services.audit import catalog, records
from services.audit.service import AuditService
from services.procurement.orders import contract_statuses
from services.procurement.orders.handlers.place import ZERO
from services.procurement.requests import statuses as request_statuses
from tests.live_handlers import live_event_types


def test_every_service_that_publishes_is_a_producer():
    """A new service with events is audited (or this fails): the list is the registry's, and
    the service desk's, marketing's and procurement's records have a trail."""
    publishing = set()
    for service in registry.SERVICES:
        try:
            events = importlib.import_module(f"services.{service.name}.events")
        except ModuleNotFoundError:
            continue
        if getattr(events, "EVENT_SCHEMAS", None):
            publishing.add(service.name)
    assert set(catalog.PRODUCERS) == publishing - {"audit"}
    assert {"service_desk", "marketing", "procurement"} <= set(catalog.PRODUCERS)
    assert {"ticket", "campaign", "segment", "email_template", "supplier", "purchase_request",
            "purchase_order"} <= set(records.RECORD_TYPES)


def test_the_statuses_audit_infers_are_the_producers():
    """Some events imply a status without carrying it (a submitted request is pending approval,
    a new contract active, a new order has accepted nothing)."""
    assert set(records.REQUEST_STATUS.values()) <= set(request_statuses.STATUSES)
    assert records.REQUEST_STATUS["purchase_request_submitted"] == request_statuses.PENDING
    assert records.CONTRACT_STATUS_AT_CREATION == contract_statuses.ACTIVE
    assert records.ORDER_ACCEPTED_AT_CREATION == str(ZERO)


def test_every_published_event_type_is_consumed_from_its_producer():
    assert {source: set(types) for source, types in AuditService.subscriptions.mapping.items()} \
        == {source: set(schemas) for source, schemas in catalog.PRODUCERS.items()}


@pytest.mark.parametrize("source, event_type", [(source, event_type)
                                                for source, schemas in catalog.PRODUCERS.items()
                                                for event_type in schemas])
def test_each_event_type_is_read_or_declared_a_no_op(source, event_type):
    assert event_type in records.READERS, (
        f"{source}.{event_type} is new: say in services/audit/records.py what it records")
    assert (source, event_type) in live_event_types(AuditService)   # batched: on_<source>_events


def sample(schema):
    """A payload with every field the producer's schema declares (values are placeholders)."""
    payload = {name: [] if isinstance(field, fields.List) else f"<{name}>"
               for name, field in schema.fields.items()}
    if "reason" in payload:
        payload["reason"] = "password_changed"
    if "escalated" in payload:
        payload["escalated"] = True
    return payload


def test_every_audited_field_is_carried_by_an_event_of_its_record_type():
    carried = {record_type: set() for record_type in records.RECORD_TYPES}
    for schemas in catalog.PRODUCERS.values():
        for event_type, schema in schemas.items():
            for observation in records.observe({"event_type": event_type,
                                                "payload": sample(schema)}):
                assert set(observation.values) <= set(records.TRACKED[observation.record_type])
                carried[observation.record_type] |= set(observation.values)
                carried[observation.record_type] |= set(observation.withheld)
    for record_type, tracked in records.TRACKED.items():
        assert set(tracked) <= carried[record_type], (record_type, set(tracked) - carried[record_type])


def test_no_secret_is_audited():
    for tracked in records.TRACKED.values():
        assert not {name for name in tracked if any(word in name for word in
                                                   ("password", "hash", "secret", "token"))}
    assert "password" not in catalog.PRODUCERS["identity"]["user_updated"].fields
