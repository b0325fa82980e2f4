"""customers' tolerant copies of the events its timeline is written from (services/customers/
consumes.py) load what marketing's and the service desk's own schemas dump, through JSON as the
broker carries them; the copies need nothing the producers do not send, and tolerate additions.
The samples are the producers' own contract tests' (their agreed payloads)."""
import json
import pytest

from services.customers.consumes import MARKETING_EVENTS, SERVICE_DESK_EVENTS
from services.customers.handlers.timeline import SUBSCRIPTIONS
from services.marketing.events import EVENT_SCHEMAS as MARKETING_PUBLISHED
from services.service_desk.events import EVENT_SCHEMAS as DESK_PUBLISHED
from tests.contract.test_reporting_consumes_marketing import RESPONSE, SENT
from tests.contract.test_service_desk_events import AGREED as DESK_AGREED
from tests.contract.test_service_desk_survey_events import AGREED as SURVEY_AGREED
from tests.unit.reporting.test_marketing_campaigns import campaign, engagement

MARKETING_SAMPLES = {
    "campaign_created": campaign(), "campaign_updated": campaign(name="Autumn"),
    "campaign_email_sent": {**SENT, "customer_id": "c-1"},
    "email_opened": engagement("cmp-1", "k1"), "email_clicked": {
        **engagement("cmp-1", "k1"), "url": "https://example.com/x", "customer_id": "c-1"},
    "campaign_response_received": RESPONSE,
}
DESK_SAMPLES = {name: {**DESK_AGREED, **SURVEY_AGREED}[name] for name in SERVICE_DESK_EVENTS}
CASES = [("marketing", name, MARKETING_EVENTS[name], MARKETING_PUBLISHED[name], sample)
         for name, sample in MARKETING_SAMPLES.items()] + [
        ("service_desk", name, SERVICE_DESK_EVENTS[name], DESK_PUBLISHED[name], sample)
        for name, sample in DESK_SAMPLES.items()]


def test_the_subscriptions_are_the_copies_and_marketings_all_exist():
    assert set(SUBSCRIPTIONS["marketing"]) == set(MARKETING_EVENTS) == set(MARKETING_SAMPLES)
    assert set(SUBSCRIPTIONS["service_desk"]) == set(SERVICE_DESK_EVENTS)
    assert set(MARKETING_EVENTS) <= set(MARKETING_PUBLISHED)
    assert set(SERVICE_DESK_EVENTS) <= set(DESK_PUBLISHED)


@pytest.mark.parametrize("source,event_type,copy,producer,sample", CASES,
                         ids=[f"{case[0]}:{case[1]}" for case in CASES])
def test_producer_events_load_into_the_timeline_copies(source, event_type, copy, producer,
                                                       sample):
    payload = producer.dump(sample)
    wire = json.loads(json.dumps(payload, default=str))
    loaded = copy.load({**wire, "a_field_added_later": 1})
    for name, value in loaded.items():
        if name in sample:
            assert value == sample[name], name
    assert {name for name, field in copy.fields.items() if field.required} <= set(wire)


def test_marketing_says_whose_customer_an_email_went_to():
    dumped = MARKETING_PUBLISHED["campaign_email_sent"].dump({**SENT, "customer_id": "c-9"})
    assert dumped["customer_id"] == "c-9"
