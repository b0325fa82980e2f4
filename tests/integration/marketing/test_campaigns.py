"""Campaigns in the real container over the migrated database (SQLite and PostgreSQL): planned
through the RPCs, aimed at a segment built from live customers' events, costed, and started and
completed by the timer — each move made once even when two rounds run at the same time (rows
locked and skipped, PostgreSQL)."""
from datetime import timedelta

import eventlet
import pytest
from nameko.testing.services import entrypoint_hook

from services.chassis.auth import Principal
from services.chassis.models import utcnow
from tests.helpers import wait_until
from tests.integration.marketing.conftest import call, evaluated
from tests.unit.marketing.support import contact, customer

MARKETER = Principal("u-mkt", "marketer")


@pytest.mark.dialect_sensitive("the timer's skip-locked claim of due campaigns, exact cents")
def test_a_campaign_is_planned_costed_and_run_on_time(producers, marketing):
    marketing.start()
    call(producers["customers"], "publish", [
        ("customer_created", customer()), ("contact_added", contact()),
        ("customer_created", customer(id="c-2", name="Beta", email="b@beta.example"))])
    wait_until(lambda: len(call(marketing, "list_audience", {}, principal=MARKETER)["items"])
               == 3, message="the customers and the contact person")
    north = call(marketing, "create_segment", {
        "name": "North", "kind": "dynamic",
        "rules": [[{"field": "region", "op": "eq", "value": "north"}]]}, principal=MARKETER)
    evaluated(marketing, north["id"], MARKETER)
    now = utcnow()
    campaign = call(marketing, "create_campaign", {
        "name": "Renewal", "channel": "email", "currency": "EUR", "budget": "1000.00",
        "goal_metric": "leads", "goal_target": "12", "segment_ids": [north["id"]],
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat()}, principal=MARKETER)
    audience = call(marketing, "get_campaign_audience", campaign["id"], principal=MARKETER)
    assert (audience["contacts"], audience["reachable"]) == (3, 2)   # the contact has no email
    for amount in ("0.10", "0.20"):
        call(marketing, "record_campaign_cost", campaign["id"],
             {"amount": amount, "description": "ads"}, principal=MARKETER)
    assert call(marketing, "get_campaign", campaign["id"],
                principal=MARKETER)["cost_total"] == "0.30"
    call(marketing, "change_campaign_status", campaign["id"], {"to": "scheduled"},
         principal=MARKETER)

    def round_():
        with entrypoint_hook(marketing, "advance_campaigns") as hook:
            return hook()
    rounds = [eventlet.spawn(round_) for _ in range(2)]     # two replicas' timers at once
    for thread in rounds:
        thread.wait()
    # Two concurrent hooks on one entrypoint may return before the worker's commit (nameko's
    # entrypoint_hook): wait for the outcome instead of trusting the return.
    wait_until(lambda: call(marketing, "get_campaign", campaign["id"], principal=MARKETER)[
        "status"] == "running", message="the campaign started by one of the rounds")
    changes = call(marketing, "events_since", 0, 100)
    started = [e for e in changes if e["event_type"] == "campaign_status_changed"
               and e["payload"]["status"] == "running"]
    assert len(started) == 1 and started[0]["payload"]["changed_by"] == "system"
