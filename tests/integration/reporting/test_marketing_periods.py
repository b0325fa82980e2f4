"""The campaign report per period from the real marketing and sales services over real
RabbitMQ: cost entries incurred in two past months and responses (sales makes leads of them)
now — each counted in its own month; the months add up to marketing's own results and
reconcile (which also sums the dated facts over their periods) finds no difference."""
from datetime import datetime
from decimal import Decimal

import pytest

from services.chassis.auth import Principal
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.support import publish_people
from tests.integration.reporting.test_reconcile import reconcile

pytestmark = pytest.mark.dialect_sensitive("dated facts bucketed by local month; cost sums")

MARKETER = Principal("u-mkt", "marketer")
COUNTS = ("sent", "delivered", "bounced", "unique_opens", "unique_clicks", "unsubscribes",
          "responses", "leads", "converted_leads")


def months(reporting, **query):
    return rpc(reporting, "marketing_campaigns", MARKETER,
               {"group_by": "period", "period": "month", **query})["rows"]


def test_each_fact_counts_in_its_own_month_and_the_months_reconcile(producers, databases,
                                                                    start_reporting):
    reporting = start_reporting()
    publish_people(producers, databases)
    marketing = producers["marketing"]
    campaign = rpc(marketing, "create_campaign", MARKETER, {
        "name": "Periods", "channel": "event", "currency": "EUR",
        "starts_at": "2026-01-05T09:00:00Z"})
    cid = campaign["id"]
    for to in ("scheduled", "running"):
        rpc(marketing, "change_campaign_status", MARKETER, cid, {"to": to})
    for amount, day in (("400.00", "2026-01-20"), ("100.50", "2026-02-03"),
                        ("99.50", "2026-02-28")):
        rpc(marketing, "record_campaign_cost", MARKETER, cid,
            {"amount": amount, "description": "stand", "incurred_on": day})
    for email in ("a@periods.example", "b@periods.example"):
        rpc(marketing, "record_campaign_response", MARKETER, cid,
            {"email": email, "name": "Visitor", "company": email.split("@")[0]})
    received = rpc(marketing, "list_campaign_responses", MARKETER, cid)["items"]
    now_month = {datetime.fromisoformat(item["created_at"]).strftime("%Y-%m-01")
                 for item in received}

    def results():
        theirs = rpc(marketing, "get_campaign_results", MARKETER, cid)
        return theirs if theirs["leads"] == 2 else None
    theirs = wait_until(results, timeout=30, message="sales' leads of the responses")

    def reported():
        rows = months(reporting, campaign_id=cid)
        return rows if sum(row["leads"] for row in rows) == 2 and sum(
            Decimal(row["cost"]) for row in rows) == Decimal("600.00") else None
    rows = wait_until(reported, timeout=30, message="the report per month caught up")
    by_month = {row["period"]: row for row in rows}
    assert by_month["2026-01-01"]["cost"] == "400.00"
    assert by_month["2026-02-01"]["cost"] == "200.00"
    assert len(now_month) == 1 and now_month <= set(by_month)
    current = by_month[now_month.pop()]
    assert (current["responses"], current["leads"]) == (2, 2)
    for name in COUNTS:
        assert sum(row[name] for row in rows) == theirs[name], name
    assert str(sum(Decimal(row["cost"]) for row in rows)) == theirs["cost"]
    january = rpc(reporting, "marketing_campaigns", MARKETER, {
        "campaign_id": cid, "from": "2026-01-01", "to": "2026-01-31"})["rows"]
    assert [(row["cost"], row["leads"], row["cost_per_lead"]) for row in january] == [
        ("400.00", 0, None)]

    result = reconcile(reporting)
    assert result["differences"] == [] and result["ok"], result
