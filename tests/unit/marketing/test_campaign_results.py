"""A campaign's results equal marketing's own rows: recipients by outcome (a bounce reported
later makes a sent mail undelivered), unique opens and clicks (the first per contact), responses,
the leads sales made and converted, won deals and revenue by first and last touch, cost per lead,
CAC and ROI in the campaign's currency — revenue in another currency listed, not converted."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine

from services.chassis.auth import Principal
from services.marketing.campaigns.handlers import campaigns, costs
from services.marketing.responses import handlers as responses
from services.marketing.sending.models import CampaignRecipient
from services.marketing.tracking import handlers as tracking, links
from tests.unit.marketing.support import T0, Log, apply, customer, deal, marketing_db
from tests.unit.marketing.test_attribution import lead_events

MARKETER = Principal("u-mkt", "marketer")


@pytest.fixture
def db():
    db = marketing_db(create_engine("sqlite://"))
    log = Log("customers")
    apply(db, log.emit("customer_created", customer()),
          log.emit("customer_created", customer(id="c-2", name="Beta", email="b@beta.example")))
    return db


def write(db, function, *args):
    with db.unit_of_work(actor="u-mkt") as uow:
        return function(uow, MARKETER, *args)


def public(db, function, url):
    with db.unit_of_work(actor="public") as uow:
        return function(uow, url.rsplit("/", 1)[1])


def test_the_results_count_what_happened(db, monkeypatch):
    campaign = write(db, campaigns.create_campaign, {
        "name": "Renewal", "channel": "email", "currency": "EUR", "starts_at": T0.isoformat()})
    cid = campaign["id"]
    for to in ("scheduled", "running"):
        write(db, campaigns.change_status, cid, {"to": to})
    write(db, costs.record_cost, cid, {"amount": "250.00", "description": "design"})
    with db.unit_of_work() as uow:                       # the broadcast's outcome
        for contact, state in (("c-1", "sent"), ("c-2", "sent"), ("ct-x", "bounced"),
                               ("ct-y", "skipped")):
            uow.session.add(CampaignRecipient(campaign_id=cid, contact_id=contact, batch=0,
                                              email=f"{contact}@x.example", state=state))
    for _ in range(3):
        public(db, tracking.opened, links.open_url(cid, "c-1"))
    public(db, tracking.clicked, links.click_url(cid, "c-1", "https://example.com/offer"))
    monkeypatch.setenv("MARKETING_INBOUND_WEBHOOK_SECRET", "s")
    with db.unit_of_work() as uow:                       # c-2's mail bounces later
        tracking.inbound_report(uow, {"kind": "bounce", "email": "b@beta.example",
                                      "campaign_id": cid}, "s")
    write(db, responses.record_response, cid, {"email": "info@acme.example"})
    sales = Log("sales")
    apply(db, *lead_events(sales, "l-1", cid, T0 + timedelta(hours=1), deal_id="d-1"))
    apply(db, *lead_events(sales, "l-2", cid, T0 + timedelta(hours=2)))
    apply(db, sales.emit("deal_won", deal(lead_id="l-1", amount="1000.00",
                                          closed_at=T0 + timedelta(days=400))))
    with db.read_only() as session:
        got = campaigns.campaign_results(session, MARKETER, cid)
    assert (got["recipients"], got["sent"], got["delivered"], got["bounced"], got["not_sent"]) \
        == (4, 2, 1, 2, {"skipped": 1})
    assert (got["unique_opens"], got["unique_clicks"], got["unsubscribes"]) == (1, 1, 0)
    assert (got["responses"], got["leads"], got["converted_leads"]) == (1, 2, 1)
    assert (got["cost"], got["cost_per_lead"]) == ("250.00", "125.00")
    for model in ("first", "last"):
        assert got["attribution"][model] == {
            "won_deals": 1, "revenue": [{"currency": "EUR", "amount": "1000.00"}],
            "cac": "250.00", "roi": "3.0000"}             # (1000 − 250) / 250


def test_without_cost_there_is_no_roi_and_other_currencies_are_not_converted(db):
    campaign = write(db, campaigns.create_campaign, {
        "name": "Free", "channel": "event", "currency": "EUR", "starts_at": T0.isoformat()})
    sales = Log("sales")
    apply(db, *lead_events(sales, "l-1", campaign["id"], T0, deal_id="d-1"))
    apply(db, sales.emit("deal_won", deal(lead_id="l-1", currency="USD",
                                          closed_at=T0 + timedelta(days=1))))
    with db.read_only() as session:
        got = campaigns.campaign_results(session, MARKETER, campaign["id"])
    assert got["attribution"]["last"] == {
        "won_deals": 1, "revenue": [{"currency": "USD", "amount": "1000.00"}], "cac": "0.00",
        "roi": None}
    assert (got["recipients"], got["cost_per_lead"]) == (0, "0.00")      # one lead, no cost
