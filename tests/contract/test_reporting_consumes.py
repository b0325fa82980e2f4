"""reporting's tolerant copies load what identity's and customers' schemas dump, and every
event type it subscribes to is still published."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from services.customers.events import EVENT_SCHEMAS as CUSTOMERS_EVENTS
from services.identity.events import EVENT_SCHEMAS as IDENTITY_EVENTS
from services.marketing.events import EVENT_SCHEMAS as MARKETING_EVENTS
from services.procurement.events import EVENT_SCHEMAS as PROCUREMENT_EVENTS
from services.reporting.inbox import SUBSCRIPTIONS
from services.reporting.domains.customers import consumes
from services.reporting.domains.identity import consumes as identity_copies
from services.sales.events import EVENT_SCHEMAS as SALES_EVENTS
from services.service_desk.events import EVENT_SCHEMAS as DESK_EVENTS
from tests.contract.cash_targets_samples import CASH_AND_TARGETS

WHEN = datetime(2025, 3, 14, 23, 30, tzinfo=timezone.utc)
RECORD = {"id": "c-1", "kind": "company", "name": "Acme", "industry": "Tech", "size": 10,
          "annual_revenue": Decimal("12.50"), "currency": "EUR", "region": "EU", "address": None,
          "phone": None, "email": None, "website": None, "source": None,
          "lifecycle_stage": "prospect", "value_class": "A", "owner_id": "u-1",
          "created_by": "u-2", "created_at": WHEN, "updated_at": WHEN}
SAMPLES = {
    "customer_created": (consumes.CustomerRecord, RECORD),
    "customer_updated": (consumes.CustomerRecord, {**RECORD, "changed": ["region"]}),
    "customer_assigned": (consumes.CustomerAssigned, {
        "id": "c-1", "owner_id": "u-3", "previous_owner_id": "u-1", "region": "EU",
        "reason": "manual", "assigned_by": "u-2"}),
    "customer_merged": (consumes.CustomerMerged, {
        "winner_id": "c-1", "loser_id": "c-2", "merged_at": WHEN, "contacts_moved": 1,
        "interactions_moved": 2, "tags": []}),
    "interaction_logged": (consumes.InteractionLogged, {
        "id": "i-1", "customer_id": "c-1", "kind": "call", "occurred_at": WHEN, "user_id": "u-1",
        "summary": "s", "outcome": None, "contact_id": None, "owner_id": "u-1"}),
}
PUBLISHED = {"identity": IDENTITY_EVENTS, "customers": CUSTOMERS_EVENTS, "sales": SALES_EVENTS,
             "marketing": MARKETING_EVENTS, "service_desk": DESK_EVENTS,
             "procurement": PROCUREMENT_EVENTS}


def test_every_subscribed_event_is_published():
    for source, handlers in SUBSCRIPTIONS.mapping.items():
        for event_type in handlers:
            assert event_type in PUBLISHED[source], f"{source} no longer publishes {event_type}"


def test_every_subscribed_event_has_a_contract_sample():
    """Each (source, event type) a reporting domain consumes is checked by one of the contract
    tests' samples: a new consumer copy without one fails here instead of going unchecked."""
    from tests.contract.test_reporting_consumes_marketing import CASES as MARKETING_CASES
    from tests.contract.test_reporting_consumes_procurement import SAMPLES as PROC_SAMPLES
    from tests.contract.test_reporting_consumes_sales import SAMPLES as DEAL_SAMPLES
    from tests.contract.test_reporting_consumes_service_desk import SAMPLES as DESK_SAMPLES
    sampled = {("customers", name) for name in SAMPLES} | {
        ("identity", name) for name in identity_copies.USER_EVENTS} | {
        ("sales", name) for name in (*DEAL_SAMPLES, *CASH_AND_TARGETS)} | {
        (source, name) for source, name, *_rest in MARKETING_CASES} | {
        ("service_desk", name) for name in DESK_SAMPLES} | {
        ("procurement", name) for name in PROC_SAMPLES}
    subscribed = {(source, event_type) for source, handlers in SUBSCRIPTIONS.mapping.items()
                  for event_type in handlers}
    assert subscribed, "reporting subscribes to nothing: the guard has nothing to check"
    assert subscribed == sampled


@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_customer_events_load_into_reportings_copies(event_type):
    schema, sample = SAMPLES[event_type]
    dumped = CUSTOMERS_EVENTS[event_type].dump(sample)
    loaded = schema().load({**dumped, "added_later": "ignored"})
    for name in loaded:
        assert loaded[name] == sample[name], name


@pytest.mark.parametrize("event_type", identity_copies.USER_EVENTS)
def test_user_events_load_into_reportings_copy(event_type):
    user = {"id": "u-1", "email": "a@example.com", "name": "A", "role": "manager",
            "team_id": "t-1", "region": None, "manager_id": None, "active": True,
            "created_at": WHEN, "updated_at": WHEN}
    loaded = identity_copies.UserEvent().load(IDENTITY_EVENTS[event_type].dump(user))
    assert loaded == {key: user[key] for key in ("id", "name", "role", "team_id", "region", "active")}
