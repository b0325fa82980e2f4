"""Responses over a real marketing database: the public form takes answers only while its
campaign runs, validates them, silently drops what filled the honeypot, limits each sender
address per hour, matches the responder to an audience contact, and publishes each response
once for sales to make a lead of; marketers enter responses too."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, Invalid, NotFound, TooManyRequests
from services.chassis.models import OutboxEvent
from services.marketing.campaigns.handlers import campaigns
from services.marketing.responses import handlers
from services.marketing.responses.models import CampaignResponse
from tests.unit.marketing.support import T0, Log, apply, customer, marketing_db

MARKETER = Principal("u-mkt", "marketer")
ANSWER = {"name": "Ada", "email": "Info@Acme.example", "company": "Acme",
          "message": "Please call me about the renewal"}


@pytest.fixture
def db():
    db = marketing_db(create_engine("sqlite://"))
    apply(db, Log("customers").emit("customer_created", customer()))   # info@acme.example
    return db


@pytest.fixture
def running(db):
    campaign = write(db, campaigns.create_campaign, {
        "name": "Fair 2026", "channel": "event", "currency": "EUR",
        "starts_at": T0.isoformat()})
    for to in ("scheduled", "running"):
        write(db, campaigns.change_status, campaign["id"], {"to": to})
    return campaign


def write(db, function, *args):
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        return function(uow, MARKETER, *args)


def submit(db, campaign_id, data, ip="203.0.113.7"):
    with db.unit_of_work(actor="public") as uow:
        return handlers.submit_form(uow, campaign_id, data, ip)


def stored(db):
    with db.read_only() as session:
        return (session.scalar(select(func.count()).select_from(CampaignResponse)),
                [json.loads(e.payload) for e in session.scalars(select(OutboxEvent).where(
                    OutboxEvent.event_type == "campaign_response_received"))])


def test_a_form_answer_is_matched_to_its_contact_and_published_once(db, running):
    assert submit(db, running["id"], ANSWER) == {"received": True}
    count, events = stored(db)
    assert count == 1 and len(events) == 1
    event = events[0]
    assert (event["contact_id"], event["customer_id"], event["create_lead"], event["source"],
            event["campaign_name"], event["recorded_by"]) == (
        "c-1", "c-1", True, "form", "Fair 2026", "public")
    with db.read_only() as session:
        listed = handlers.list_responses(session, MARKETER, running["id"])["items"]
    assert [(r["email"], r["contact_id"]) for r in listed] == [("Info@Acme.example", "c-1")]


@pytest.mark.parametrize("data, field", [
    ({"name": "No way to answer"}, "email"),
    ({"email": "not-an-address"}, "email"),
    ({"phone": "call me"}, "phone"),
    ({**ANSWER, "message": "x" * 2001}, "message"),
    ({**ANSWER, "admin": True}, "admin"),
])
def test_a_bad_answer_is_named_and_nothing_is_recorded(db, running, data, field):
    with pytest.raises(Invalid) as error:
        submit(db, running["id"], data)
    assert field in error.value.details
    assert stored(db) == (0, [])


def test_the_honeypot_gets_the_same_answer_and_records_nothing(db, running):
    assert submit(db, running["id"], {**ANSWER, "website_url": "http://spam.example"}) == {
        "received": True}
    assert stored(db) == (0, [])


def test_only_a_running_campaign_takes_answers(db, running):
    draft = write(db, campaigns.create_campaign, {"name": "Later", "channel": "ads",
                                                  "currency": "EUR"})
    with pytest.raises(Conflict):
        submit(db, draft["id"], ANSWER)
    with pytest.raises(NotFound):
        submit(db, "no-such-campaign", ANSWER)
    assert stored(db) == (0, [])


def test_one_address_is_limited_per_campaign_and_hour(db, running, monkeypatch):
    monkeypatch.setenv("MARKETING_FORM_RESPONSES_PER_HOUR", "2")
    for _ in range(2):
        submit(db, running["id"], ANSWER)
    with pytest.raises(TooManyRequests) as error:
        submit(db, running["id"], ANSWER)
    assert 1 <= error.value.details["retry_after"] <= 3601
    submit(db, running["id"], ANSWER, ip="198.51.100.1")            # another address
    with db.unit_of_work() as uow:                                  # an hour later
        for row in uow.session.scalars(select(CampaignResponse)):
            row.created_at -= timedelta(hours=1)
    submit(db, running["id"], ANSWER)
    count, _ = stored(db)
    assert count == 4


def test_a_marketer_enters_responses_without_a_lead_if_asked(db, running):
    response = write(db, handlers.record_response, running["id"],
                     {"phone": "+49 30 1234567", "name": "Walk-in", "create_lead": False})
    assert (response["source"], response["create_lead"], response["contact_id"]) == (
        "manual", False, None)
    draft = write(db, campaigns.create_campaign, {"name": "Draft", "channel": "ads",
                                                  "currency": "EUR"})
    with pytest.raises(Conflict):
        write(db, handlers.record_response, draft["id"], {"email": "a@b.example"})
