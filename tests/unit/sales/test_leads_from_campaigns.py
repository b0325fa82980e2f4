"""Leads from marketing's campaign responses, through sales' inbox: a response that asks for a
lead becomes exactly one (the event redelivered, or replayed under another id, makes no
second), attributed to its campaign and owned by the next rep in turn; a response without a
lead asked for changes nothing; an unreadable payload stops the catch-up visibly."""
from datetime import datetime, timezone

import pytest

from services.chassis import inbox
from services.marketing.events import EVENT_SCHEMAS as MARKETING
from services.sales.leads.handlers import leads
from services.sales.service import SalesService
from tests.unit.sales.support import ADMIN, call, events

RESPONSE = {"id": "r-1", "campaign_id": "cmp-1", "campaign_name": "Fair 2026",
            "channel": "event", "source": "form", "name": "Ada Lovelace",
            "email": "ada@example.com", "company": "Analytical Engines", "phone": None,
            "message": "Call me", "contact_id": None, "customer_id": None, "create_lead": True,
            "recorded_by": "public",
            "received_at": datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)}


def deliver(db, payload, event_id="ev-m-1", sequence=1):
    envelope = {"event_id": event_id, "event_type": "campaign_response_received",
                "source": "marketing", "sequence": sequence, "version": 1,
                "occurred_at": "2026-03-02T09:00:00+00:00", "actor": "public",
                "payload": MARKETING["campaign_response_received"].dump(payload)}
    return inbox.consume(db, SalesService.subscriptions, envelope)


def campaign_leads(db):
    return [lead for lead in call(db, leads.list_leads, ADMIN, {}, write=False)["items"]
            if lead["campaign_id"]]


def test_a_response_becomes_one_lead_attributed_to_its_campaign(db):
    deliver(db, RESPONSE)
    deliver(db, RESPONSE)                                   # redelivered: the inbox
    deliver(db, RESPONSE, event_id="ev-m-9", sequence=9)    # replayed under another id
    [lead] = campaign_leads(db)
    assert (lead["campaign_id"], lead["campaign"], lead["source"], lead["contact_name"],
            lead["contact_email"], lead["company_name"], lead["status"]) == (
        "cmp-1", "Fair 2026", "campaign", "Ada Lovelace", "ada@example.com",
        "Analytical Engines", "new")
    assert lead["owner_id"] is not None                      # the next rep in turn
    [(_, created)] = [e for e in events(db, "lead_created") if e[1]["campaign_id"]]
    assert created["campaign_id"] == "cmp-1"


def test_a_response_without_a_lead_asked_for_changes_nothing(db):
    before = events(db)
    deliver(db, {**RESPONSE, "create_lead": False})
    assert campaign_leads(db) == [] and events(db) == before


def test_a_phone_only_response_is_named_by_its_number(db):
    deliver(db, {**RESPONSE, "id": "r-2", "name": None, "email": None, "phone": "+49 30 123"})
    assert campaign_leads(db)[0]["contact_name"] == "+49 30 123"


def test_an_unreadable_response_raises_instead_of_being_skipped(db):
    envelope = {"event_id": "ev-m-5", "event_type": "campaign_response_received",
                "source": "marketing", "sequence": 5, "version": 1,
                "occurred_at": "2026-03-02T09:00:00+00:00", "actor": "public",
                "payload": {"id": "r-3", "create_lead": True}}
    with pytest.raises(ValueError):
        inbox.consume(db, SalesService.subscriptions, envelope)
    assert campaign_leads(db) == []


def test_reconcile_lead_facts_pages_the_campaign_leads_only(db):
    """Reporting's reconciliation of the marketing KPIs reads these: each lead a campaign made,
    its campaign and deal (none until converted), keyset pages by id, stamped with the event
    sequence; a lead entered by hand is no campaign's."""
    from services.sales.leads.handlers import reconcile
    call(db, leads.create_lead, ADMIN, {"contact_name": "Walk-in", "source": "web"})
    deliver(db, RESPONSE)
    deliver(db, {**RESPONSE, "id": "r-2", "campaign_id": "cmp-2", "email": "b@example.com"},
            event_id="ev-m-2", sequence=2)
    with db.read_only() as session:
        first = reconcile.lead_facts(session, limit=1)
        rest = reconcile.lead_facts(session, first["next_cursor"], 1)
    assert rest["next_cursor"] is None and first["sequence"] == rest["sequence"] > 0
    found = first["items"] + rest["items"]
    assert sorted((item["campaign_id"], item["deal_id"]) for item in found) == [
        ("cmp-1", None), ("cmp-2", None)]
    assert [item["id"] for item in found] == sorted(item["id"] for item in found)
