"""The marketing KPIs in reporting (issue 11 §9) through the gateway against the real
processes: a campaign's costs (one removed), two form responses → sales' leads → converted →
deals won, one reopened (its credit withdrawn) — reporting's campaign report then shows exactly
what marketing's own results say, and per month (the cost on the day it was incurred, the
rest now) its months add up to the same; marketers and managers read it, a rep is refused."""
import uuid
from decimal import Decimal

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

FIGURES = ("sent", "delivered", "bounced", "unique_opens", "unique_clicks", "unsubscribes",
           "responses", "leads", "converted_leads", "cost", "cost_per_lead", "attribution",
           "currency")
COUNTED = ("sent", "delivered", "bounced", "unique_opens", "unique_clicks", "unsubscribes",
           "responses", "leads", "converted_leads")


def _won_deal(admin, anonymous, campaign, tag, n):
    email = f"buyer{n}-{tag}@example.com"
    assert anonymous.request("POST", f"marketing/forms/{campaign['id']}", json={
        "name": f"Buyer {n}", "email": email, "company": f"Buyer {n} {tag}"}).status_code == 202

    def lead():
        found = [item for item in admin.ok("GET", "leads", params={"limit": 100})["items"]
                 if item["campaign_id"] == campaign["id"] and item["id"] not in _won_deal.seen]
        return found[0] if found else None
    made = wait_until(lead, timeout=30, message="sales' lead from the form")
    _won_deal.seen.add(made["id"])
    for status in ("contacted", "qualified"):
        admin.ok("POST", f"leads/{made['id']}/status", json={"status": status})
    product = admin.ok("POST", "products", expect=201, json={
        "name": f"Report {tag} {n}", "series": "RPT", "list_price": "2500.00",
        "currency": "EUR"})
    converted = admin.ok("POST", f"leads/{made['id']}/convert", json={
        "currency": "EUR", "deal_name": f"Report {tag} {n}",
        "lines": [{"product_id": product["id"], "quantity": 2 * n}]})
    deal_id = converted["deal"]["id"]
    admin.ok("POST", f"deals/{deal_id}/stage", json={"stage": "won"})
    return deal_id


_won_deal.seen = set()


def test_the_campaign_report_equals_marketings_results(admin, anonymous):
    marketer, manager = admin.create_user("marketer"), admin.create_user("manager")
    rep = admin.create_user("sales_rep")
    tag = uuid.uuid4().hex[:8]
    campaign = marketer.ok("POST", "marketing/campaigns", expect=201, json={
        "name": f"Report {tag}", "channel": "event", "currency": "EUR", "budget": "500.00",
        "starts_at": "2026-01-05T09:00:00Z"})
    url = f"marketing/campaigns/{campaign['id']}"
    for to in ("scheduled", "running"):
        marketer.ok("POST", f"{url}/status", json={"to": to})
    marketer.ok("POST", f"{url}/costs", expect=201, json={"amount": "1000.00",
                                                           "description": "stand",
                                                           "incurred_on": "2026-01-10"})
    wrong = marketer.ok("POST", f"{url}/costs", expect=201, json={"amount": "250.00",
                                                                   "description": "typo"})
    assert marketer.request("DELETE", f"{url}/costs/{wrong['id']}").status_code == 204
    _won_deal(admin, anonymous, campaign, tag, 1)             # 5000.00 won
    reopened = _won_deal(admin, anonymous, campaign, tag, 2)  # 10000.00 won, then reopened
    admin.ok("POST", f"deals/{reopened}/stage", json={"stage": "negotiation"})

    def settled():
        results = marketer.ok("GET", f"{url}/results")
        return results if (results["attribution"]["last"]["won_deals"] == 1
                           and results["converted_leads"] == 2) else None
    theirs = wait_until(settled, timeout=30, message="one credit left with the campaign")
    assert theirs["cost"] == "1000.00" and theirs["attribution"]["last"]["roi"] == "4.0000"

    def reported():
        rows = manager.ok("GET", "reports/marketing/campaigns",
                          params={"campaign_id": campaign["id"]})["rows"]
        return rows[0] if rows and all(rows[0][k] == theirs[k] for k in FIGURES) else None
    ours = wait_until(reported, timeout=30, message="reporting's figures equal marketing's")
    assert ours["funnel"] == [{"step": "reach", "count": 0}, {"step": "click", "count": 0},
                              {"step": "response", "count": 2}, {"step": "lead", "count": 2},
                              {"step": "deal", "count": 2}]
    by_channel = marketer.ok("GET", "reports/marketing/campaigns",
                             params={"group_by": "channel", "channel": "event"})["rows"]
    assert any(row["channel"] == "event" and row["currency"] == "EUR" for row in by_channel)
    assert rep.request("GET", "reports/marketing/campaigns").status_code == 403
    assert marketer.request("GET", "reports/marketing/campaigns",
                            params={"group_by": "owner_id"}).status_code == 422

    def summed(rows):
        return ({name: sum(row[name] for row in rows) for name in COUNTED},
                sum(Decimal(row["cost"]) for row in rows),
                sum(row["attribution"]["first"]["won_deals"] for row in rows))

    def monthly():
        rows = manager.ok("GET", "reports/marketing/campaigns", params={
            "campaign_id": campaign["id"], "group_by": "period", "period": "month"})["rows"]
        return rows if summed(rows) == summed([theirs]) else None
    months = wait_until(monthly, timeout=30, message="the months add up to marketing's")
    assert months[0]["period"] == "2026-01-01" and months[0]["cost"] == "1000.00"
    assert sum(row["leads"] for row in months[1:]) == 2        # the leads came now, not then
    days = manager.ok("GET", "reports/marketing/campaigns", params={
        "campaign_id": campaign["id"], "group_by": "period", "period": "day",
        "tz": "Europe/Berlin"})
    assert days["period"]["granularity"] == "day" and summed(days["rows"]) == summed([theirs])
    january = manager.ok("GET", "reports/marketing/campaigns", params={
        "campaign_id": campaign["id"], "from": "2026-01-01", "to": "2026-01-31"})["rows"]
    assert [(row["cost"], row["leads"], row["responses"]) for row in january] == [
        ("1000.00", 0, 0)]
    backwards = manager.request("GET", "reports/marketing/campaigns",
                                params={"from": "2026-02-01", "to": "2026-01-01"})
    assert backwards.status_code == 422 and "from" in backwards.text
    assert manager.request("GET", "reports/marketing/campaigns",
                           params={"group_by": "period", "period": "hour"}).status_code == 422
