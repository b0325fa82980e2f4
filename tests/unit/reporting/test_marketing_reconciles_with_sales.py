"""Reporting's campaign leads, converted leads, won deals and attributed revenue against sales'
own rows (issue 11 §9): sales' reconcile_lead_facts and reconcile_deal_facts as sales would
answer them after the history of test_marketing_reconciles_with_marketing (two campaign leads
converted, d-1 won for 5000.00, d-2 won then reopened) — equal, and each kind of drift named."""
import pytest

from services.marketing.campaigns.handlers import reconcile as marketing_pages
from services.reporting.domains.marketing import reconcile, sales_rows
from services.reporting.reconcile import differences
from tests.unit.reporting.support import apply
from tests.unit.reporting.test_marketing_reconciles_with_marketing import history, published
from tests.unit.reporting.test_marketing_reconciles_with_marketing import marketing  # noqa: F401

KEYS = {kpi: key for kpi, key in reconcile.KEYS.items() if kpi.startswith("campaign_sales.")}


def sales_facts(sales):
    """{lead facts, deal facts} as sales' rows are after its events (its reconcile RPCs)."""
    leads, deals = {}, {}
    for event in sales.events:
        kind, data = event["event_type"], event["payload"]
        if kind == "lead_created" and data["campaign_id"]:
            leads[data["id"]] = {"id": data["id"], "campaign_id": data["campaign_id"],
                                 "deal_id": None}
        elif kind == "lead_converted" and data["lead_id"] in leads:
            leads[data["lead_id"]]["deal_id"] = data["deal_id"]
        elif kind == "deal_won":
            deals[data["id"]] = {"id": data["id"], "status": "won", "amount": data["amount"],
                                 "currency": data["currency"]}
        elif kind == "deal_stage_changed" and data["to_stage"] != "won":
            deals[data["deal_id"]]["status"] = "open"
    return {sales_rows.LEADS: list(leads.values()), sales_rows.DEALS: list(deals.values())}


@pytest.fixture
def reconciled(db, marketing, monkeypatch):   # noqa: F811
    cid, sales = history(marketing, monkeypatch)
    leads = [event for event in sales.events if event["event_type"].startswith("lead_")]
    apply(db, *published(marketing), *leads)
    with marketing.read_only() as session:
        pages = marketing_pages.campaign_results(session)["items"]

    def compare(facts):
        with db.read_only() as session:
            want = reconcile.expected(session, {reconcile.METHOD: pages, **facts})
            return want, differences(want, reconcile.actual(session), KEYS)
    return cid, sales_facts(sales), compare


def test_the_leads_won_deals_and_revenue_equal_sales_rows(reconciled):
    cid, facts, compare = reconciled
    want, found = compare(facts)
    assert found == []
    assert (want["campaign_sales.leads"][(cid,)], want["campaign_sales.converted_leads"][(cid,)]
            ) == (2, 2)
    assert {key: n for key, n in want["campaign_sales.won_deals"].items() if n} == {
        (cid, "first"): 1, (cid, "last"): 1}                 # d-1; d-2 was reopened
    assert dict(want["campaign_sales.revenue"]) == {(cid, "first", "EUR"): 500000,
                                                    (cid, "last", "EUR"): 500000}
    assert dict(want["campaign_sales.credited"]) == {("d-1", "first"): 1, ("d-1", "last"): 1}


def test_a_difference_with_sales_rows_is_found(reconciled):
    cid, facts, compare = reconciled
    leads, deals = facts[sales_rows.LEADS], {d["id"]: d for d in facts[sales_rows.DEALS]}
    leads.append({"id": "l-3", "campaign_id": cid, "deal_id": None})   # its event never came
    deals["d-1"]["amount"] = "5100.00"         # sales' amount is not the one credited
    deals["d-2"]["status"] = "won"             # won again: marketing has not credited it
    _want, found = compare({sales_rows.LEADS: leads, sales_rows.DEALS: list(deals.values())})
    assert sorted((d["kpi"], tuple(d["key"].values()), d["expected"], d["actual"])
                  for d in found) == [
        ("campaign_sales.credited", ("d-2", "first"), 1, 0),
        ("campaign_sales.credited", ("d-2", "last"), 1, 0),
        ("campaign_sales.leads", (cid,), 3, 2),
        ("campaign_sales.revenue", (cid, "first", "EUR"), 510000, 500000),
        ("campaign_sales.revenue", (cid, "last", "EUR"), 510000, 500000)]


def test_a_credit_for_a_deal_sales_no_longer_has_won_is_found(reconciled):
    cid, facts, compare = reconciled
    for deal in facts[sales_rows.DEALS]:
        deal["status"] = "lost"
    _want, found = compare(facts)
    assert sorted((d["kpi"], tuple(d["key"].values()), d["expected"], d["actual"])
                  for d in found) == [
        ("campaign_sales.credited", ("d-1", "first"), 0, 1),
        ("campaign_sales.credited", ("d-1", "last"), 0, 1),
        ("campaign_sales.revenue", (cid, "first", "EUR"), 0, 500000),
        ("campaign_sales.revenue", (cid, "last", "EUR"), 0, 500000),
        ("campaign_sales.won_deals", (cid, "first"), 0, 1),
        ("campaign_sales.won_deals", (cid, "last"), 0, 1)]


def test_without_sales_lead_facts_nothing_is_compared_with_sales(reconciled):
    _cid, facts, compare = reconciled
    want, found = compare({sales_rows.DEALS: facts[sales_rows.DEALS]})
    assert found == [] and not any(kpi.startswith("campaign_sales.") for kpi in want)
