"""reporting's tolerant copies of marketing's campaign events (and of sales' two lead events the
campaign KPIs read) load what the producers' own schemas dump, through JSON as the broker
carries them, money staying an exact Decimal; and reporting subscribes to exactly these."""
import json
from decimal import Decimal

import pytest

from services.marketing.events import EVENT_SCHEMAS as MARKETING_EVENTS
from services.reporting.domains.marketing import consumes
from services.reporting.domains.marketing.projections import CAMPAIGNS
from services.reporting.inbox import SUBSCRIPTIONS
from services.sales.events import EVENT_SCHEMAS as SALES_EVENTS
from tests.unit.reporting.test_marketing_campaigns import (T, campaign, cost, credit, engagement,
                                                          lead)

SENT = {"campaign_id": "cmp-1", "contact_id": "k1", "email": "k1@example.com",
        "message_id": "<m1>", "sent_at": T}
NOT_SENT = {"campaign_id": "cmp-1", "contact_id": "k1", "email": "k1@example.com",
            "outcome": "bounced", "reason": "550", "at": T}
RESPONSE = {"id": "r1", "campaign_id": "cmp-1", "campaign_name": "Spring", "channel": "email",
            "source": "form", "name": None, "email": None, "company": None, "phone": None,
            "message": None, "contact_id": None, "customer_id": None, "create_lead": True,
            "recorded_by": "public", "received_at": T}
MARKETING_SAMPLES = {
    **{name: (consumes.CampaignRecord, campaign(cost="1234567.30"))
       for name in consumes.CAMPAIGN_RECORD_EVENTS},
    **{name: (consumes.CostChange, cost("cmp-1", "0.30", "1234567.30"))
       for name in consumes.COST_EVENTS},
    "campaign_email_sent": (consumes.EmailSent, SENT),
    "campaign_email_failed": (consumes.EmailNotSent, NOT_SENT),
    **{name: (consumes.Engagement, engagement("cmp-1", "k1"))
       for name in consumes.ENGAGEMENT_EVENTS},
    "campaign_response_received": (consumes.ResponseReceived, RESPONSE),
    **{name: (consumes.DealCredit, credit("d1", "last", "cmp-1", "1234567.30"))
       for name in consumes.CREDIT_EVENTS},
}
SALES_SAMPLES = {
    "lead_created": (consumes.LeadCreated, lead("l1", "cmp-1")),
    "lead_converted": (consumes.LeadConverted, {
        "lead_id": "l1", "customer_id": "c-1", "customer_link": "created", "deal_id": "d1",
        "owner_id": None, "converted_at": T, "converted_by": "u-r"}),
}
CASES = [("marketing", name, MARKETING_EVENTS, *sample)
         for name, sample in sorted(MARKETING_SAMPLES.items())] + [
        ("sales", name, SALES_EVENTS, *sample) for name, sample in sorted(SALES_SAMPLES.items())]


def test_reporting_subscribes_to_these_marketing_events_and_they_exist():
    assert set(SUBSCRIPTIONS.mapping["marketing"]) == set(MARKETING_SAMPLES)
    assert set(MARKETING_SAMPLES) <= set(MARKETING_EVENTS)
    assert set(SALES_SAMPLES) <= set(SALES_EVENTS)
    assert {(s, t) for s, t in CAMPAIGNS.event_types()} == {
        *(("marketing", name) for name in MARKETING_SAMPLES),
        *(("sales", name) for name in SALES_SAMPLES)}


@pytest.mark.parametrize("source,event_type,producer,schema,sample", CASES,
                         ids=[f"{case[0]}:{case[1]}" for case in CASES])
def test_producer_events_load_into_reportings_copies(source, event_type, producer, schema,
                                                      sample):
    wire = json.loads(json.dumps(producer[event_type].dump(sample)))
    loaded = schema().load({**wire, "added_later": "ignored"})
    for name in schema().fields:
        assert name in loaded, name
        assert loaded[name] == sample[name], name
    for name in ("cost_total", "amount"):
        if name in loaded:
            assert isinstance(loaded[name], Decimal)
