"""Sales KPIs end to end: after a deal journey (won, lost, a loss reopened by the manager and
won, open deals in two currencies), the funnel, win rate and revenue reports through the
gateway equal what this test computes from the deals it created; each person sees their
scope; reconciliation reports zero differences."""
import uuid
from collections import Counter
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

R = "reports/sales"


def window(deals):
    """The UTC days the deals closed on, from their own closed_at (not today's date: a run
    across midnight keeps its window)."""
    days = sorted(datetime.fromisoformat(deal["closed_at"]).astimezone(timezone.utc).date()
                  for deal in deals if deal["closed_at"])
    return {"from": days[0].isoformat(), "to": days[-1].isoformat(), "granularity": "total"}


def expected(deals):
    """The KPIs of `deals` (as sales answers them), computed here."""
    funnel, won, lost, revenue = Counter(), Counter(), Counter(), {}
    for deal in deals:
        key = (deal["stage"], deal["currency"])
        funnel[key + ("count",)] += 1
        funnel[key + ("amount",)] += Decimal(deal["amount"])
        funnel[key + ("weighted",)] += Decimal(deal["weighted_amount"])
        if deal["stage"] == "won":
            won[deal["owner_id"]] += 1
            total = revenue.setdefault((deal["owner_id"], deal["currency"]), [0, Decimal(0)])
            total[0], total[1] = total[0] + 1, total[1] + Decimal(deal["amount"])
        elif deal["stage"] == "lost":
            lost[deal["owner_id"]] += 1
    return {
        "funnel": {(stage, currency): (funnel[(stage, currency, "count")],
                                       str(funnel[(stage, currency, "amount")]),
                                       str(funnel[(stage, currency, "weighted")]))
                   for stage, currency, measure in funnel if measure == "count"},
        "win_rate": {owner: (won[owner], lost[owner], round(won[owner] / (won[owner] + lost[owner]), 4))
                     for owner in set(won) | set(lost)},
        "revenue": {key: (count, str(amount), str((amount / count).quantize(Decimal("0.01"))))
                    for key, (count, amount) in revenue.items()}}


def reported(client, period, owners=None):
    """The same KPIs through the gateway (win rate and revenue in `period`), or None while
    reporting is unreachable."""
    filters = {"owner_id": ",".join(owners)} if owners else {}
    answers = [client.get(f"{R}/funnel", params=filters),
               client.get(f"{R}/win-rate", params={**period, **filters}),
               client.get(f"{R}/revenue", params={**period, **filters, "group_by": "owner_id"})]
    if any(response.status_code != 200 for response in answers):
        return None
    funnel, rates, revenue = (response.json() for response in answers)
    return {
        "funnel": {(r["stage"], r["currency"]): (r["count"], r["amount"], r["weighted_amount"])
                   for r in funnel["rows"]},
        "win_rate": {r["owner_id"]: (r["won"], r["lost"], r["win_rate"]) for r in rates["rows"]},
        "revenue": {(r["owner_id"], r["currency"]): (r["won"], r["revenue"], r["average_deal_size"])
                    for r in revenue["rows"]}}


def test_deal_journey_reports_equal_the_deals_and_reconcile_finds_nothing(admin, region):
    region_name, team = region
    manager = admin.create_user("manager", region=region_name, team_id=team["id"])
    rep_a = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    rep_b = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    tag = uuid.uuid4().hex[:8]
    euro = admin.ok("POST", "products", expect=201, json={
        "name": f"Widget {tag}", "list_price": "19.99", "currency": "EUR"})
    dollar = admin.ok("POST", "products", expect=201, json={
        "name": f"Gadget {tag}", "list_price": "7.35", "currency": "USD"})

    def deal(rep, quantity, product=euro, discount="0"):
        customer = rep.create_customer(region=region_name)
        return rep.ok("POST", "deals", expect=201, json={
            "name": f"Deal {tag} {quantity}", "customer_id": customer["id"],
            "currency": product["currency"],
            "lines": [{"product_id": product["id"], "quantity": quantity,
                       "discount_percent": discount}]})["id"]

    def move(client, deal_id, stage, **extra):
        return client.ok("POST", f"deals/{deal_id}/stage", json={"stage": stage, **extra})

    won, lost, open_a = deal(rep_a, 3, discount="12.5"), deal(rep_a, 1), deal(rep_a, 7)
    reopened, dollars = deal(rep_b, 5), deal(rep_b, 4, dollar)
    for stage in ("needs_analysis", "proposal", "negotiation", "won"):
        move(rep_a, won, stage)
    move(rep_a, lost, "lost", lost_reason="price")
    move(rep_a, open_a, "proposal")
    move(rep_b, reopened, "lost", lost_reason="timing")
    assert rep_b.post(f"deals/{reopened}/stage", json={"stage": "negotiation"}).status_code == 403
    move(manager, reopened, "negotiation")                     # a manager may reopen
    move(rep_b, reopened, "won")
    move(rep_b, dollars, "needs_analysis")

    deals = [admin.ok("GET", f"deals/{deal_id}") for deal_id in (won, lost, open_a, reopened, dollars)]
    owners = [rep_a.user["id"], rep_b.user["id"]]
    want = expected(deals)
    assert want["win_rate"] == {rep_a.user["id"]: (1, 1, 0.5), rep_b.user["id"]: (1, 0, 1.0)}
    period = window(deals)
    wait_until(lambda: reported(admin, period, owners) == want, timeout=30,
               message="sales reports equal the deals")

    # Scopes: the manager sees the team (these two reps), a rep only their own deals.
    assert reported(manager, period) == want
    mine = expected([d for d in deals if d["owner_id"] == rep_a.user["id"]])
    assert reported(rep_a, period) == mine
    assert reported(rep_a, period, [rep_b.user["id"]]) == {"funnel": {}, "win_rate": {}, "revenue": {}}
    pipeline = rep_b.ok("GET", f"{R}/funnel", params={"status": "open"})
    assert [(r["stage"], r["currency"], r["amount"]) for r in pipeline["rows"]] == [
        ("needs_analysis", "USD", "29.40")]
    assert pipeline["freshness"]["sources"]["sales"]["sequence"] > 0

    bad = admin.get(f"{R}/win-rate", params={"tz": "Mars/Olympus"})
    assert bad.status_code == 422 and "tz" in bad.json()["errors"]
    assert admin.get(f"{R}/funnel", params={"group_by": "amount"}).status_code == 422

    job = admin.ok("POST", "reports/reconcile", expect=202)

    def finished():
        current = admin.ok("GET", f"reports/jobs/{job['id']}")
        return current if current["status"] in ("done", "failed") else None
    result = wait_until(finished, timeout=60, message="reconcile")["result"]
    assert result["ok"] and result["differences"] == [], result
    assert result["checked"]["deals"] >= 5 and result["checked"]["closed_deals"] >= 3

    check_cuts(admin, manager, deals, region_name, team["id"], euro)
    check_time_in_stage(admin, deals, owners)
    check_cash(admin, rep_a, won, owners)

    document = admin.ok("GET", "/openapi.json")
    for path in ("funnel", "win-rate", "revenue", "stage-conversion", "time-in-stage", "cash",
                 "receivables", "targets"):
        assert f"/api/v1/reports/sales/{path}" in document["paths"], path


def check_cuts(admin, manager, deals, region_name, team_id, euro):
    """Revenue and win rate of this test's region, team and euro product, as computed here
    from the deals (each has one line: its amount is the product's line total)."""
    closed = [d for d in deals if d["stage"] in ("won", "lost")]
    won_euro = [d for d in closed if d["stage"] == "won" and d["currency"] == "EUR"]
    revenue = str(sum(Decimal(d["amount"]) for d in won_euro))
    by_region = admin.ok("GET", f"{R}/revenue", params={**window(deals), "group_by": "region",
                                                         "region": region_name})
    assert [(r["region"], r["currency"], r["won"], r["revenue"]) for r in by_region["rows"]] == [
        (region_name, "EUR", len(won_euro), revenue)]
    by_product = admin.ok("GET", f"{R}/revenue", params={
        **window(deals), "group_by": "product_id", "product_id": euro["id"]})
    assert [(r["product_id"], r["product_name"], r["revenue"]) for r in by_product["rows"]] == [
        (euro["id"], euro["name"], revenue)]
    rates = manager.ok("GET", f"{R}/win-rate", params={**window(deals), "group_by": "team_id,region"})
    won = sum(d["stage"] == "won" for d in closed)
    assert [(r["team_id"], r["region"], r["won"], r["lost"]) for r in rates["rows"]] == [
        (team_id, region_name, won, len(closed) - won)]
    product_rates = admin.ok("GET", f"{R}/win-rate", params={
        **window(deals), "group_by": "product_id", "product_id": euro["id"]})
    euro_closed = [d for d in closed if d["currency"] == "EUR"]
    assert [(r["won"], r["closed"]) for r in product_rates["rows"]] == [
        (len(won_euro), len(euro_closed))]
    quarters = admin.ok("GET", f"{R}/revenue", params={**window(deals), "granularity": "quarter",
                                                       "region": region_name})
    span = {date.fromisoformat(window(deals)[end]) for end in ("from", "to")}
    if len({(day.year, (day.month - 1) // 3) for day in span}) == 1:    # one quarter
        assert [(r["period"][5:], r["revenue"]) for r in quarters["rows"]] == [
            (f"{min(span).month - (min(span).month - 1) % 3:02d}-01", revenue)]
    assert admin.get(f"{R}/revenue", params={"group_by": "customer_id"}).status_code == 422


def check_time_in_stage(admin, deals, owners):
    """Average time in each stage equals the deals' own stage history (sales' API)."""
    stays = {}
    for deal in deals:
        history = admin.ok("GET", f"deals/{deal['id']}/history")
        times = [(h["to_stage"], datetime.fromisoformat(h["changed_at"])) for h in history]
        for (stage, entered), (_next, left) in zip(times, times[1:]):
            stays.setdefault(stage, []).append((left - entered).total_seconds())
    report = admin.ok("GET", f"{R}/time-in-stage", params={"owner_id": ",".join(owners)})
    got = {row["stage"]: (row["count"], row["average_seconds"]) for row in report["rows"]}
    assert set(got) == set(stays)
    for stage, seconds in stays.items():
        assert got[stage][0] == len(seconds), stage
        assert got[stage][1] == pytest.approx(sum(seconds) / len(seconds), abs=0.1), stage
    conversion = admin.ok("GET", f"{R}/stage-conversion", params={"owner_id": ",".join(owners)})
    first = {(r["from_stage"], r["to_stage"]): r["ever"] for r in conversion["rows"]}
    assert first[("initial_contact", "won")] == 2 and conversion["deals"] == len(deals)


def check_cash(admin, rep, won, owners):
    """The won deal invoiced in the past and paid in part: invoiced vs collected and the
    receivables aged on a date, through the gateway, and reconcile still finds nothing."""
    invoice = rep.ok("POST", "invoices", expect=201, json={
        "deal_id": won, "issued_on": "2024-01-10", "due_on": "2024-02-09"})
    rep.ok("POST", f"invoices/{invoice['id']}/payments", expect=201, json={
        "amount": "10.00", "received_on": "2024-01-20"})
    balance = str(Decimal(invoice["total"]) - Decimal("10.00"))
    period = {"from": "2024-01-01", "to": "2024-03-31", "granularity": "month",
              "owner_id": ",".join(owners)}

    def cash():
        answer = admin.ok("GET", f"{R}/cash", params=period)
        return [(r["period"], r["invoiced"], r["collected"]) for r in answer["rows"]]
    wait_until(lambda: cash() == [("2024-01-01", invoice["total"], "10.00")], timeout=30,
               message="cash report")
    aged = rep.ok("GET", f"{R}/receivables", params={"as_of": "2024-03-15"})
    assert [(i["id"], i["days_overdue"], i["aging"], i["outstanding"])
            for i in aged["overdue_invoices"]] == [(invoice["id"], 35, "31-60", balance)]
    assert aged["totals"]["by_currency"]["EUR"]["aging"]["31-60"]["amount"] == balance
    job = admin.ok("POST", "reports/reconcile", expect=202)
    result = wait_until(lambda: (lambda j: j if j["status"] in ("done", "failed") else None)(
        admin.ok("GET", f"reports/jobs/{job['id']}")), timeout=60, message="reconcile")["result"]
    assert result["ok"] and result["checked"]["invoices"] >= 1, result
