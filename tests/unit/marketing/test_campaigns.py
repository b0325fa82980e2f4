"""Campaigns over a real marketing database: planned as drafts with every field checked (a
wrong one a 422 naming it, nothing written), moved only along their life (illegal moves 409),
started and completed by the timer at their times, costed in exact money, and their audience
counted from segment members and consent."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, func, select

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.models import OutboxEvent
from services.marketing.campaigns.handlers import campaigns, costs
from services.marketing.consent import handlers as consent
from services.marketing.segments.handlers import definitions
from tests.unit.marketing.support import (T0, Log, apply, contact, customer, evaluate_segments,
                                          marketing_db)

MARKETER = Principal("u-mkt", "marketer")
NORTH = [[{"field": "region", "op": "eq", "value": "north"}]]


@pytest.fixture
def db():
    return marketing_db(create_engine("sqlite://"))


@pytest.fixture
def segments(db):
    log = Log("customers")
    apply(db, log.emit("customer_created", customer()),
          log.emit("customer_created", customer(id="c-2", name="Beta", email="b@beta.example",
                                                value_class="C")),
          log.emit("customer_created", customer(id="c-3", name="Gamma", region="south",
                                                email="g@gamma.example")),
          log.emit("contact_added", contact()))           # a contact person: no email
    db.customers_log = log
    north = write(db, definitions.create_segment, {"name": "North", "kind": "dynamic",
                                                   "rules": NORTH})
    c_class = write(db, definitions.create_segment, {"name": "C class", "kind": "dynamic", "rules": [
        [{"field": "value_class", "op": "eq", "value": "C"}]]})
    evaluate_segments(db)
    return north["id"], c_class["id"]


def write(db, function, *args):
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        return function(uow, MARKETER, *args)


def read(db, function, *args):
    with db.read_only() as session:
        return function(session, MARKETER, *args)


def events(db):
    with db.read_only() as session:
        return [row.event_type for row in session.scalars(
            select(OutboxEvent).order_by(OutboxEvent.sequence))]


def outbox_size(db):
    with db.read_only() as session:
        return session.scalar(select(func.count()).select_from(OutboxEvent))


def plan(db, **fields):
    return write(db, campaigns.create_campaign, {
        "name": "Spring renewal", "channel": "email", "currency": "EUR", **fields})


def test_a_new_campaign_is_a_draft_owned_by_its_creator_with_nothing_spent(db):
    campaign = plan(db, budget="5000.00", goal_metric="leads", goal_target="1200",
                    theme="Renewal offer for existing customers")
    assert campaign["status"] == "draft" and campaign["owner_id"] == "u-mkt"
    assert (campaign["budget"], campaign["cost_total"], campaign["goal_target"]) == (
        "5000.00", "0.00", "1200.00")
    assert read(db, campaigns.get_campaign, campaign["id"]) == campaign
    assert events(db)[-1] == "campaign_created"


@pytest.mark.parametrize("fields, field", [
    ({"goal_metric": "leads"}, "goal_target"),
    ({"goal_target": "10"}, "goal_metric"),
    ({"goal_metric": "leads", "goal_target": "10.50"}, "goal_target"),
    ({"starts_at": (T0 + timedelta(days=2)).isoformat(), "ends_at": T0.isoformat()}, "ends_at"),
    ({"segment_ids": ["no-such-segment"]}, "segment_ids"),
    ({"channel": "fax"}, "channel"),
    ({"currency": "EURO"}, "currency"),
    ({"budget": 10.5}, "budget"),
    ({"surprise": 1}, "surprise"),
])
def test_a_wrong_field_is_named_and_nothing_is_written(db, fields, field):
    with pytest.raises(Invalid) as error:
        plan(db, **fields)
    assert field in error.value.details
    assert outbox_size(db) == 0


def test_a_segment_both_targeted_and_excluded_is_refused(db, segments):
    north, _ = segments
    with pytest.raises(Invalid) as error:
        plan(db, segment_ids=[north], exclude_segment_ids=[north])
    assert "exclude_segment_ids" in error.value.details


def test_a_revenue_goal_is_money_and_names_are_unique(db):
    assert plan(db, goal_metric="revenue", goal_target="250000.50")["goal_target"] == "250000.50"
    with pytest.raises(Conflict) as error:
        plan(db, name="  SPRING renewal ")
    assert error.value.details["field"] == "name"


def test_a_campaign_moves_only_along_its_life(db):
    campaign = plan(db)
    with pytest.raises(Invalid) as error:       # scheduled for when?
        write(db, campaigns.change_status, campaign["id"], {"to": "scheduled"})
    assert "starts_at" in error.value.details
    with pytest.raises(Conflict) as error:
        write(db, campaigns.change_status, campaign["id"], {"to": "completed"})
    assert error.value.details == {"campaign_status": "draft", "to": "completed"}
    write(db, campaigns.update_campaign, campaign["id"], {"starts_at": T0.isoformat()})
    for to in ("scheduled", "draft", "scheduled", "running", "completed"):
        assert write(db, campaigns.change_status, campaign["id"], {"to": to})["status"] == to
    with pytest.raises(Conflict):
        write(db, campaigns.change_status, campaign["id"], {"to": "cancelled"})
    assert events(db).count("campaign_status_changed") == 5


def test_a_running_campaign_keeps_its_audience_and_a_finished_one_changes_no_more(db, segments):
    north, c_class = segments
    campaign = plan(db, segment_ids=[north], starts_at=T0.isoformat())
    write(db, campaigns.change_status, campaign["id"], {"to": "scheduled"})
    write(db, campaigns.change_status, campaign["id"], {"to": "running"})
    with pytest.raises(Conflict) as error:
        write(db, campaigns.update_campaign, campaign["id"], {"segment_ids": [c_class],
                                                              "budget": "10.00"})
    assert error.value.details["refused"] == ["segment_ids"]
    changed = write(db, campaigns.update_campaign, campaign["id"], {"budget": "10.00"})
    assert changed["budget"] == "10.00" and changed["segment_ids"] == [north]
    write(db, campaigns.change_status, campaign["id"], {"to": "cancelled"})
    with pytest.raises(Conflict):
        write(db, campaigns.update_campaign, campaign["id"], {"name": "Renamed"})


def test_the_timer_starts_and_completes_campaigns_at_their_times_once(db):
    soon = plan(db, name="Soon", starts_at=(T0 + timedelta(hours=1)).isoformat(),
                ends_at=(T0 + timedelta(days=7)).isoformat())
    later = plan(db, name="Later", starts_at=(T0 + timedelta(days=3)).isoformat())
    for campaign in (soon, later):
        write(db, campaigns.change_status, campaign["id"], {"to": "scheduled"})

    def advance(now):
        with db.unit_of_work() as uow:
            return campaigns.advance_due(uow, now)

    assert advance(T0) == 0
    assert advance(T0 + timedelta(hours=1)) == 1
    assert advance(T0 + timedelta(hours=2)) == 0                 # moved once
    assert read(db, campaigns.get_campaign, soon["id"])["status"] == "running"
    assert read(db, campaigns.get_campaign, later["id"])["status"] == "scheduled"
    assert advance(T0 + timedelta(days=7)) == 2                  # soon ends, later starts
    statuses = {c["name"]: c["status"] for c in read(db, campaigns.list_campaigns, {})["items"]}
    assert statuses == {"Soon": "completed", "Later": "running"}


def test_costs_are_exact_and_the_total_is_always_their_sum(db):
    campaign = plan(db)
    for amount in ("0.10", "0.20", "1999.99"):
        write(db, costs.record_cost, campaign["id"], {"amount": amount,
                                                     "description": "Trade fair booth"})
    assert read(db, campaigns.get_campaign, campaign["id"])["cost_total"] == "2000.29"
    entries = read(db, costs.list_costs, campaign["id"], {})["items"]
    write(db, costs.remove_cost, campaign["id"], entries[0]["id"])
    total = read(db, campaigns.get_campaign, campaign["id"])["cost_total"]
    remaining = read(db, costs.list_costs, campaign["id"], {})["items"]
    assert Decimal(total) == sum(Decimal(e["amount"]) for e in remaining) == Decimal("0.30")
    assert events(db).count("campaign_cost_recorded") == 3
    assert events(db).count("campaign_cost_removed") == 1


def test_a_cost_must_be_positive_and_on_its_campaign(db):
    campaign, other = plan(db), plan(db, name="Other")
    with pytest.raises(Invalid):
        write(db, costs.record_cost, campaign["id"], {"amount": "0", "description": "x"})
    entry = write(db, costs.record_cost, other["id"], {"amount": "5", "description": "Ads"})
    with pytest.raises(NotFound):
        write(db, costs.remove_cost, campaign["id"], entry["id"])
    with pytest.raises(NotFound):
        write(db, costs.record_cost, "no-such-campaign", {"amount": "5", "description": "x"})


def test_the_audience_is_the_targets_minus_the_excluded_and_reach_follows_consent(db, segments):
    north, c_class = segments                   # north: c-1, c-2, ct-1; C class: c-2
    campaign = plan(db, segment_ids=[north], exclude_segment_ids=[c_class])
    audience = read(db, campaigns.campaign_audience, campaign["id"])
    assert (audience["contacts"], audience["reachable"], audience["notice"]) == (2, 1, None)
    write(db, consent.set_consent, "c-1", {"channel": "email", "status": "unsubscribed"})
    audience = read(db, campaigns.campaign_audience, campaign["id"])
    assert (audience["contacts"], audience["reachable"]) == (2, 0)
    assert "Nobody would be reached" in audience["notice"]
    event = plan(db, name="Trade fair", channel="event", segment_ids=[north])
    assert read(db, campaigns.campaign_audience, event["id"])["reachable"] == 0
    empty = plan(db, name="No segments")
    assert "targets no segment" in read(db, campaigns.campaign_audience, empty["id"])["notice"]


def test_one_address_gets_one_mail_and_an_unsubscribe_holds_for_everyone_sharing_it(db, segments):
    north, _ = segments                                     # c-1 info@acme, c-2 b@beta, ct-1
    log = db.customers_log
    apply(db, log.emit("contact_added", contact(id="ct-2", email="Ada@Work.example")),
          log.emit("contact_added", contact(id="ct-3", name="Reception",
                                            email=" INFO@acme.example ")))
    campaign = plan(db, segment_ids=[north])
    audience = read(db, campaigns.campaign_audience, campaign["id"])
    assert (audience["contacts"], audience["reachable"]) == (5, 3)   # acme, beta, ada@work
    write(db, consent.set_consent, "ct-3", {"channel": "email", "status": "unsubscribed"})
    audience = read(db, campaigns.campaign_audience, campaign["id"])
    assert (audience["contacts"], audience["reachable"]) == (5, 2)   # acme asked: c-1 too


def test_a_segment_a_live_campaign_uses_cannot_be_deleted(db, segments):
    north, c_class = segments
    campaign = plan(db, segment_ids=[north], exclude_segment_ids=[c_class])
    with pytest.raises(Conflict) as error:
        write(db, definitions.delete_segment, c_class)
    assert error.value.details == {"campaign_id": campaign["id"]}
    write(db, campaigns.change_status, campaign["id"], {"to": "cancelled"})
    write(db, definitions.delete_segment, c_class)
