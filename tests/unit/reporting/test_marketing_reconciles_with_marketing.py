"""Reporting's campaign KPIs equal marketing's own results: marketing's real handlers (the
campaign, its costs — one removed —, tracked opens and clicks, a late bounce, a response, sales'
leads, a won deal credited and another credited then withdrawn) write its rows and outbox;
its published events and sales' are applied to reporting; then reporting's report and
reconcile read exactly what get_campaign_results / reconcile_campaign_results answer."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.pool import StaticPool

from services.chassis.auth import Principal
from services.chassis.outbox import OutboxEvent, envelope
from services.marketing.campaigns.handlers import campaigns, costs, reconcile as marketing_pages
from services.marketing.responses import handlers as responses
from services.marketing.sending.models import CampaignRecipient
from services.marketing.tracking import handlers as tracking, links
from services.reporting.domains.marketing import queries, reconcile
from services.reporting.reconcile import differences
from tests.unit.marketing.support import T0, Log, apply as apply_marketing, customer, deal
from tests.unit.marketing.support import marketing_db
from tests.unit.marketing.test_attribution import lead_events
from tests.unit.reporting.support import apply

MARKETER = Principal("u-mkt", "marketer")
ADMIN = Principal("u-admin", "admin")


@pytest.fixture
def marketing():
    engine = create_engine("sqlite://", poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    db = marketing_db(engine)
    log = Log("customers")
    apply_marketing(db, log.emit("customer_created", customer()),
                    log.emit("customer_created", customer(id="c-2", name="Beta",
                                                          email="b@beta.example")))
    yield db
    engine.dispose()


def published(db):
    """marketing's events as its events_since serves them (its outbox, in sequence order)."""
    with db.read_only() as session:
        return [envelope(row, "marketing") for row in session.scalars(
            select(OutboxEvent).order_by(OutboxEvent.sequence))]


def write(db, function, *args):
    with db.unit_of_work(actor="u-mkt") as uow:
        return function(uow, MARKETER, *args)


def public(db, function, url):
    with db.unit_of_work(actor="public") as uow:
        return function(uow, url.rsplit("/", 1)[1])


def broadcast(db, cid, outcomes):
    """The recipients' outcomes as the sending worker records them: the row and its event in
    one unit of work (services/marketing/sending/batches.py)."""
    with db.unit_of_work() as uow:
        for contact, state in outcomes:
            email = f"{contact}@x.example"
            uow.session.add(CampaignRecipient(campaign_id=cid, contact_id=contact, batch=0,
                                              email=email, state=state))
            if state == "sent":
                uow.emit("campaign_email_sent", {"campaign_id": cid, "contact_id": contact,
                                                 "email": email, "message_id": f"<{contact}>",
                                                 "sent_at": T0})
            else:
                uow.emit("campaign_email_failed", {"campaign_id": cid, "contact_id": contact,
                                                   "email": email, "outcome": state,
                                                   "reason": "550", "at": T0})


def history(db, monkeypatch):
    cid = write(db, campaigns.create_campaign, {
        "name": "Renewal", "channel": "email", "currency": "EUR",
        "starts_at": T0.isoformat()})["id"]
    for to in ("scheduled", "running"):
        write(db, campaigns.change_status, cid, {"to": to})
    write(db, costs.record_cost, cid, {"amount": "1000.00", "description": "ads"})
    extra = write(db, costs.record_cost, cid, {"amount": "250.00", "description": "typo"})
    write(db, costs.remove_cost, cid, extra["id"])
    broadcast(db, cid, [("c-1", "sent"), ("c-2", "sent"), ("ct-x", "bounced"),
                        ("ct-y", "skipped")])
    for _ in range(3):
        public(db, tracking.opened, links.open_url(cid, "c-1"))
    public(db, tracking.clicked, links.click_url(cid, "c-1", "https://example.com/offer"))
    monkeypatch.setenv("MARKETING_INBOUND_WEBHOOK_SECRET", "s")
    with db.unit_of_work() as uow:                       # c-2's mail bounces later
        tracking.inbound_report(uow, {"kind": "bounce", "email": "b@beta.example",
                                      "campaign_id": cid}, "s")
    write(db, responses.record_response, cid, {"email": "info@acme.example"})
    sales = Log("sales")
    events = [*lead_events(sales, "l-1", cid, T0 + timedelta(hours=1), deal_id="d-1"),
              *lead_events(sales, "l-2", cid, T0 + timedelta(hours=2), deal_id="d-2"),
              sales.emit("deal_won", deal(lead_id="l-1", amount="5000.00",
                                          closed_at=T0 + timedelta(days=2))),
              sales.emit("deal_won", deal(id="d-2", lead_id="l-2", amount="700.00",
                                          closed_at=T0 + timedelta(days=3))),
              sales.emit("deal_stage_changed", {        # d-2 reopened: its credit withdrawn
                  "deal_id": "d-2", "from_stage": "won", "to_stage": "proposal",
                  "probability": 40, "amount": "700.00", "currency": "EUR",
                  "owner_id": "u-rep1", "changed_by": "u-rep1",
                  "changed_at": T0 + timedelta(days=5), "reason": None})]
    apply_marketing(db, *events)
    return cid, sales


def test_the_report_and_reconcile_equal_marketings_results(db, marketing, monkeypatch):
    cid, sales = history(marketing, monkeypatch)
    events = published(marketing)
    kinds = {event["event_type"] for event in events}
    assert {"campaign_cost_removed", "campaign_deal_uncredited", "email_bounced"} <= kinds
    leads = [event for event in sales.events if event["event_type"].startswith("lead_")]
    apply(db, *events, *leads)

    with marketing.read_only() as session:
        theirs = campaigns.campaign_results(session, MARKETER, cid)
        pages = marketing_pages.campaign_results(session)
    assert theirs["cost"] == "1000.00" and theirs["attribution"]["last"]["won_deals"] == 1
    with db.read_only() as session:
        ours = queries.campaigns(session, ADMIN, {"campaign_id": cid})["rows"][0]
        have = reconcile.actual(session)
    for name in ("sent", "delivered", "bounced", "unique_opens", "unique_clicks",
                 "unsubscribes", "responses", "leads", "converted_leads", "cost",
                 "cost_per_lead", "attribution", "currency"):
        assert ours[name] == theirs[name], name
    assert ours["attribution"]["first"]["roi"] == "4.0000"       # (5000 − 1000) / 1000
    assert pages["items"] == [theirs] and pages["next_cursor"] is None
    want = reconcile.expected(None, {reconcile.METHOD: pages["items"]})
    assert differences(want, have, reconcile.KEYS) == []


def test_a_money_difference_is_listed_as_json(db, marketing, monkeypatch):
    """The reconcile job stores its result as JSON: a cost that differs is a listed
    difference, exact, not a job that fails to serialise it."""
    cid, _sales = history(marketing, monkeypatch)
    events = [e for e in published(marketing) if e["event_type"] != "campaign_cost_removed"]
    apply(db, *events)                               # the removal never arrived
    with marketing.read_only() as session:
        pages = marketing_pages.campaign_results(session)
    with db.read_only() as session:
        have = reconcile.actual(session)
    found = differences(reconcile.expected(None, {reconcile.METHOD: pages["items"]}), have,
                        reconcile.KEYS)
    assert {"kpi": "campaigns.cost", "key": {"campaign_id": cid}, "expected": "1000",
            "actual": "1250"} in json.loads(json.dumps(found))


def test_reconcile_names_a_figure_that_drifted(db, marketing, monkeypatch):
    cid, sales = history(marketing, monkeypatch)
    apply(db, *published(marketing))          # sales' leads never arrived
    with marketing.read_only() as session:
        pages = marketing_pages.campaign_results(session)
    with db.read_only() as session:
        have = reconcile.actual(session)
    found = differences(reconcile.expected(None, {reconcile.METHOD: pages["items"]}), have,
                        reconcile.KEYS)
    assert {(d["kpi"], d["expected"], d["actual"]) for d in found
            if d["kpi"] in ("campaigns.leads", "campaigns.converted_leads")} == {
        ("campaigns.leads", 2, 0), ("campaigns.converted_leads", 2, 0)}
