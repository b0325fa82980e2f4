"""Attribution over a real marketing database, from sales' events as sales dumps them: a won
deal of a customer who answered campaigns is credited to the earliest (first touch) and latest
(last touch) campaign before the win — a response matched to the customer, or a campaign lead
converted to it; touches after the win do not count; a deal that leaves its won stage loses its
credit; a deal without a touch is credited to nobody."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select

from services.chassis.auth import Principal
from services.chassis.models import OutboxEvent
from services.marketing.attribution.models import CampaignAttribution
from services.marketing.campaigns.handlers import campaigns
from services.marketing.responses import handlers as responses
from tests.unit.marketing.support import T0, Log, apply, customer, deal, marketing_db

MARKETER = Principal("u-mkt", "marketer")


@pytest.fixture
def db():
    db = marketing_db(create_engine("sqlite://"))
    apply(db, Log("customers").emit("customer_created", customer()))    # info@acme.example
    return db


def running(db, name):
    with db.unit_of_work() as uow:
        campaign = campaigns.create_campaign(uow, MARKETER, {
            "name": name, "channel": "event", "currency": "EUR", "starts_at": T0.isoformat()})
    for to in ("scheduled", "running"):
        with db.unit_of_work() as uow:
            campaigns.change_status(uow, MARKETER, campaign["id"], {"to": to})
    return campaign["id"]


def respond(db, campaign_id, at, email="info@acme.example"):
    with db.unit_of_work() as uow:
        responses.record_response(uow, MARKETER, campaign_id, {"email": email})
    with db.unit_of_work() as uow:              # back-date the newest response to `at`
        newest = uow.session.scalars(select(responses.CampaignResponse).order_by(
            responses.CampaignResponse.created_at.desc())).first()
        newest.created_at = at


def credits(db):
    with db.read_only() as session:
        return {(row.deal_id, row.model): (row.campaign_id, str(row.amount))
                for row in session.scalars(select(CampaignAttribution))}


def lead_events(sales, lead_id, campaign_id, at, deal_id=None):
    events = [sales.emit("lead_created", {
        "id": lead_id, "status": "new", "source": "campaign", "campaign": "x",
        "campaign_id": campaign_id, "company_name": None, "industry": None,
        "company_size": None, "region": None, "owner_id": "u-rep1", "score": 0,
        "score_factors": [], "disqualified_reason": None, "created_by": "marketing",
        "created_at": at, "updated_at": at})]
    if deal_id:
        events.append(sales.emit("lead_converted", {
            "lead_id": lead_id, "customer_id": "c-1", "customer_link": "existing",
            "deal_id": deal_id, "owner_id": "u-rep1", "converted_at": at, "converted_by": "u"}))
    return events


def test_first_and_last_touch_before_the_win(db):
    fair, mailing, late = running(db, "Fair"), running(db, "Mailing"), running(db, "Late")
    respond(db, fair, T0 - timedelta(days=30))
    respond(db, mailing, T0 - timedelta(days=3))
    respond(db, late, T0 + timedelta(days=5))        # after the win: no credit
    sales = Log("sales")
    apply(db, sales.emit("deal_won", deal(closed_at=T0 + timedelta(days=1))))
    assert credits(db) == {("d-1", "first"): (fair, "1000.00"),
                           ("d-1", "last"): (mailing, "1000.00")}


def test_a_converted_campaign_lead_is_a_touch_and_a_lost_deal_loses_its_credit(db):
    webinar = running(db, "Webinar")
    sales = Log("sales")
    apply(db, *lead_events(sales, "l-1", webinar, T0 - timedelta(days=10), deal_id="d-1"))
    apply(db, sales.emit("deal_won", deal(lead_id="l-1", closed_at=T0 + timedelta(days=1))))
    assert credits(db) == {("d-1", "first"): (webinar, "1000.00"),
                           ("d-1", "last"): (webinar, "1000.00")}
    apply(db, sales.emit("deal_stage_changed", {
        "deal_id": "d-1", "from_stage": "won", "to_stage": "proposal", "probability": 40,
        "amount": "1000.00", "currency": "EUR", "owner_id": "u-rep1", "changed_by": "u-rep1",
        "changed_at": T0 + timedelta(days=5), "reason": None}))
    assert credits(db) == {}
    with db.read_only() as session:             # each credit given, then withdrawn, published
        published = [(e.event_type, json.loads(e.payload)["model"]) for e in session.scalars(
            select(OutboxEvent).where(OutboxEvent.event_type.like("campaign_deal_%"))
            .order_by(OutboxEvent.sequence))]
    assert published == [("campaign_deal_credited", "first"), ("campaign_deal_credited", "last"),
                         ("campaign_deal_uncredited", "first"),
                         ("campaign_deal_uncredited", "last")]


def test_a_deal_without_touches_is_credited_to_nobody(db):
    apply(db, Log("sales").emit("deal_won", deal()))
    assert credits(db) == {}
