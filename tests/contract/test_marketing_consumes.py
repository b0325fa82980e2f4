"""marketing's tolerant copies of customers', sales' and the service desk's events load what the
producers' own schemas dump (every field marketing reads is still published, with the type it
expects), a producer's added field is ignored, and marketing listens live to each event it
consumes."""
from datetime import date, timedelta

import pytest
from marshmallow import ValidationError, fields

from services.customers.events import EVENT_SCHEMAS as CUSTOMERS
from services.marketing.audience import rows
from services.marketing.audience.consumes import FROM_CUSTOMERS, FROM_SALES
from services.marketing.consumes import CONSUMED
from services.marketing.service import MarketingService
from services.sales.events import EVENT_SCHEMAS as SALES
from services.service_desk.events import EVENT_SCHEMAS as SERVICE_DESK
from tests.live_handlers import live_event_types
from tests.unit.marketing.support import T0, contact, customer, deal, order, updated

PRODUCERS = {"customers": CUSTOMERS, "sales": SALES, "service_desk": SERVICE_DESK}
TICKET = {"id": "tk-1", "customer_id": "c-1", "contact_id": None, "subject": "Broken",
          "category": "billing", "priority": "high", "channel": "email", "team_id": None,
          "assignee_id": None, "tags": ["vip"], "status": "new", "status_category": "open",
          "merged_into": None, "created_by": "u-agent", "created_at": T0, "updated_at": T0,
          "first_responded_at": None, "resolved_at": None, "closed_at": None}
SAMPLES = {
    "customer_created": customer(), "customer_updated": updated(["name"]),
    "customer_assigned": {"id": "c-1", "owner_id": "u-2", "previous_owner_id": "u-1",
                          "region": "EU", "reason": "manual", "assigned_by": "u-admin"},
    "customer_tagged": {"customer_id": "c-1", "tags": ["a", "b"], "added": ["b"], "removed": []},
    "customer_merged": {"winner_id": "c-1", "loser_id": "c-2", "merged_at": T0,
                        "contacts_moved": 1, "interactions_moved": 0, "tags": ["a"]},
    "interaction_logged": {"id": "i-1", "customer_id": "c-1", "kind": "call",
                           "occurred_at": T0, "user_id": "u-1", "summary": "s",
                           "outcome": None, "contact_id": None, "owner_id": "u-1"},
    "contact_added": contact(email="ada@acme.example"),
    "deal_won": deal(), "deal_lost": deal(stage="lost", lost_reason="price"),
    "deal_stage_changed": {"deal_id": "d-1", "from_stage": "won", "to_stage": "proposal",
                           "probability": 40, "amount": "1000.00", "currency": "EUR",
                           "owner_id": "u-1", "changed_by": "u-1",
                           "changed_at": T0 + timedelta(days=5), "reason": None},
    "order_placed": order(),
    "target_at_risk": {"id": "t-1", "period_kind": "month", "period_start": date(2026, 3, 1),
                       "period_end": date(2026, 3, 31), "scope": "rep", "scope_value": "u-rep1",
                       "measure": "revenue", "amount": "10000.00", "attained": "1000.00",
                       "expected_by_now": "5000.00", "pace_percent": 20, "currency": "EUR",
                       "detected_at": T0 + timedelta(days=15)},     # automation's trigger
    "ticket_created": TICKET,                                            # automation's triggers
    "ticket_status_changed": {"ticket_id": "tk-1", "customer_id": "c-1", "from_status": "open",
                              "to_status": "resolved", "from_category": "open",
                              "to_category": "resolved", "reason": "manual",
                              "changed_by": "u-agent", "changed_at": T0},
    "lead_created": {"id": "l-1", "status": "new", "source": "campaign", "campaign": "Fair",
                     "campaign_id": "cmp-1", "company_name": None, "industry": None,
                     "company_size": None, "region": None, "owner_id": "u-1", "score": 0,
                     "score_factors": [], "disqualified_reason": None, "created_by": "marketing",
                     "created_at": T0, "updated_at": T0},                # attribution
    "lead_converted": {"lead_id": "l-1", "customer_id": "c-1", "customer_link": "created",
                       "deal_id": "d-1", "owner_id": "u-1", "converted_at": T0,
                       "converted_by": "u-1"},
}
CONSUMED_TYPES = [(source, event_type) for source, copies in CONSUMED.items()
                  for event_type in copies]


@pytest.mark.parametrize("source, event_type", CONSUMED_TYPES)
def test_each_copy_loads_what_its_producer_dumps(source, event_type):
    assert event_type in PRODUCERS[source], f"{source} no longer publishes {event_type}"
    wire = PRODUCERS[source][event_type].dump(SAMPLES[event_type])
    copy = CONSUMED[source][event_type]()
    loaded = copy.load({**wire, "added_later": 1})
    assert set(loaded) == set(copy.fields)
    for name, value in loaded.items():          # the value the producer meant, typed
        expected = SAMPLES[event_type][name]
        if name == "lines":
            assert [line["product_id"] for line in value] == [
                line["product_id"] for line in expected]
        else:
            assert str(value) == str(expected), (event_type, name)


def test_contact_added_carries_the_email_marketing_mails_contact_persons_at():
    assert {"email"} <= set(CUSTOMERS["contact_added"].fields) \
        & set(CONSUMED["customers"]["contact_added"]().fields)


def test_marketing_consumes_exactly_these_and_listens_live_to_each():
    assert {source: set(types) for source, types in MarketingService.subscriptions.mapping.items()} \
        == {source: set(copies) for source, copies in CONSUMED.items()}
    live = live_event_types(MarketingService)
    assert set(CONSUMED_TYPES) <= live
    # Batched: one handler per producer, its queue bound to every type it
    # consumes, so a customer's created and assigned keep their order.
    for source in CONSUMED:
        (entrypoint,) = getattr(MarketingService, f"on_{source}_events").nameko_entrypoints
        assert entrypoint.source_service == source


def test_attributions_deal_won_copy_reads_the_deals_lead():
    from services.marketing.attribution.consumes import FROM_SALES as ATTRIBUTION
    wire = SALES["deal_won"].dump(deal(lead_id="l-1"))
    loaded = ATTRIBUTION["deal_won"]().load({**wire, "added_later": 1})
    assert (loaded["id"], loaded["lead_id"], str(loaded["amount"]), loaded["customer_id"]) == (
        "d-1", "l-1", "1000.00", "c-1")


AUDIENCE = [(source, event_type, copy) for source, table in (("customers", FROM_CUSTOMERS),
                                                            ("sales", FROM_SALES))
            for event_type, copy in table.items()]


@pytest.mark.parametrize("source, event_type, copy", AUDIENCE)
def test_the_audience_reads_a_payload_as_its_copy_loads_it(source, event_type, copy):
    """audience/rows.read's loader (field by field, text taken as it is) gives what the copy's
    schema.load gives, and fails where it fails, with the same messages: a required field
    missing, text that is a number, null where none is allowed, a value of the wrong kind."""
    table = FROM_CUSTOMERS if source == "customers" else FROM_SALES
    wire = {**PRODUCERS[source][event_type].dump(SAMPLES[event_type]), "added_later": 1}
    assert rows.read({"event_type": event_type, "payload": wire}, table) == copy().load(wire)
    loaded = copy().load_fields
    required = next(name for name, field in loaded.items() if field.required)
    text = next(name for name, field in loaded.items() if type(field) is fields.String)
    other = next((name for name, field in loaded.items() if type(field) is not fields.String),
                 None)
    broken = [{k: v for k, v in wire.items() if k != required}, {**wire, text: 7},
              {**wire, required: None}, "not an object"]
    if other:
        broken.append({**wire, other: "not a date, number or list"})
    for payload in broken:
        with pytest.raises(ValidationError) as expected:
            copy().load(payload)
        with pytest.raises(ValueError) as error:
            rows.read({"event_type": event_type, "payload": payload}, table)
        assert str(expected.value.messages) in str(error.value)
