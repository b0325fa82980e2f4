"""The whole sales path over HTTP against the real processes, one rep's deal from a lead to the
money received, with the reports checked after every step (they are built from events, so
each check waits until reporting has caught up — with a deadline):

lead → qualified → converted (customer + deal) → every open stage (the proposal stage's
follow-up tasks; in proposal a quote drafted from the deal, sent, accepted) → won → contract
from the quote → order from the contract → invoice from the order → two partial payments →
paid; then reconciliation finds no difference.
"""
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

R = "reports/sales"
OPEN_STAGES = ("needs_analysis", "proposal", "negotiation")


def today():
    return datetime.now(timezone.utc).date().isoformat()


def eventually(read, expected, what):
    """Wait until `read()` equals `expected`; on timeout show the last answer."""
    seen = []

    def matches():
        seen[:] = [read()]
        return seen[0] == expected
    try:
        wait_until(matches, timeout=30, message=what)
    except AssertionError:
        raise AssertionError(f"{what}: expected {expected!r}, last seen {seen[0]!r}") from None


class Reports:
    """The KPIs of one rep's deals as the reports API answers them."""

    def __init__(self, client, owner_id):
        self.client, self.owner = client, {"owner_id": owner_id}
        # From the day the journey starts to the day after: everything it closes, issues and
        # collects falls inside even if the run crosses midnight ("today to today" did not).
        started = datetime.now(timezone.utc).date()
        self.period = {**self.owner, "from": started.isoformat(),
                       "to": (started + timedelta(days=1)).isoformat(), "granularity": "total"}

    def funnel(self):
        rows = self.client.ok("GET", f"{R}/funnel", params=self.owner)["rows"]
        return {(r["stage"], r["count"], r["amount"], r["weighted_amount"]) for r in rows}

    def outcome(self):
        rate = self.client.ok("GET", f"{R}/win-rate", params=self.period)["rows"]
        revenue = self.client.ok("GET", f"{R}/revenue", params=self.period)["rows"]
        return ([(r["won"], r["lost"], r["win_rate"]) for r in rate],
                [(r["revenue"], r["average_deal_size"]) for r in revenue])

    def cash(self):
        rows = self.client.ok("GET", f"{R}/cash", params=self.period)["rows"]
        return [(r["invoiced"], r["collected"]) for r in rows]

    def receivables(self):
        answer = self.client.ok("GET", f"{R}/receivables", params=self.owner)
        return {currency: totals["outstanding"]
                for currency, totals in answer["totals"]["by_currency"].items()
                if Decimal(totals["outstanding"]) != 0}

    def conversion(self):
        rows = self.client.ok("GET", f"{R}/stage-conversion", params=self.owner)["rows"]
        return {(r["from_stage"], r["to_stage"]): r["ever"] for r in rows}


def test_lead_to_cash_with_the_reports_checked_at_every_step(admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    reports = Reports(admin, rep.user["id"])
    tag = uuid.uuid4().hex[:8]
    product = admin.ok("POST", "products", expect=201, json={
        "name": f"Journey {tag}", "series": "JRN", "list_price": "1250.00", "currency": "EUR"})

    # Lead, qualified, converted: a customer and a deal in the first stage.
    lead = rep.ok("POST", "leads", expect=201, json={
        "contact_name": "Grace Hopper", "contact_email": f"grace-{tag}@navy.example",
        "company_name": f"Compilers {tag}", "region": region_name, "source": "event"})
    for status in ("contacted", "qualified"):
        rep.ok("POST", f"leads/{lead['id']}/status", json={"status": status})
    converted = rep.ok("POST", f"leads/{lead['id']}/convert", json={
        "currency": "EUR", "deal_name": f"Compilers {tag}",
        "lines": [{"product_id": product["id"], "quantity": 4, "discount_percent": "10"}]})
    deal = converted["deal"]
    amount = deal["amount"]
    assert amount == "4500.00" and deal["stage"] == "initial_contact"
    eventually(reports.funnel, {("initial_contact", 1, amount, "450.00")}, "funnel after convert")

    # Every open stage, the funnel following the deal with its weighted value.
    weighted = {"needs_analysis": "1125.00", "proposal": "2250.00", "negotiation": "3375.00"}
    for stage in OPEN_STAGES:
        deal = rep.ok("POST", f"deals/{deal['id']}/stage", json={"stage": stage})
        eventually(reports.funnel, {(stage, 1, amount, weighted[stage])}, f"funnel at {stage}")
        if stage == "proposal":
            quote = quote_sent_and_accepted(rep, deal)
    follow_ups = rep.list_all("tasks", {"deal_id": deal["id"]})
    assert sorted(t["title"] for t in follow_ups) == [      # the default follow-up rules
        "Bring the negotiation to a decision", "Follow up on the proposal",
        "Follow up on the quote"], follow_ups

    # Won: win rate, revenue and the path through the stages.
    deal = rep.ok("POST", f"deals/{deal['id']}/stage", json={"stage": "won"})
    eventually(reports.funnel, {("won", 1, amount, amount)}, "funnel when won")
    eventually(reports.outcome, ([(1, 0, 1.0)], [(amount, amount)]), "win rate and revenue")
    conversion = reports.conversion()
    assert conversion[("initial_contact", "won")] == 1
    assert conversion[("proposal", "negotiation")] == 1

    # Contract from the accepted quote, order from the contract, invoice from the order.
    contract = rep.ok("POST", "contracts", expect=201, json={
        "quote_id": quote["id"], "starts_on": today(), "term_months": 12})
    assert (contract["value"], contract["deal_id"], contract["number"][:2]) == (
        amount, deal["id"], "C-")
    order = rep.ok("POST", "orders", expect=201, json={"contract_id": contract["id"]})
    assert (order["total"], order["deal_id"], order["number"][:2]) == (amount, deal["id"], "O-")
    invoice = rep.ok("POST", "invoices", expect=201, json={"order_id": order["id"]})
    assert (invoice["total"], invoice["outstanding"], invoice["deal_id"]) == (
        amount, amount, deal["id"])
    eventually(reports.cash, [(amount, "0.00")], "invoiced, nothing collected")
    eventually(reports.receivables, {"EUR": amount}, "receivable after the invoice")

    # Two partial payments, then paid.
    url = f"invoices/{invoice['id']}/payments"
    for paid, outstanding, status in (("1000.00", "3500.00", "partially_paid"),
                                      ("3500.00", "0.00", "paid")):
        payment = rep.ok("POST", url, expect=201, json={"amount": paid, "received_on": today()})
        assert (payment["outstanding_after"], payment["invoice_status"]) == (outstanding, status)
        collected = str(Decimal(amount) - Decimal(outstanding))
        eventually(reports.cash, [(amount, f"{Decimal(collected):.2f}")], f"cash after {paid}")
        eventually(reports.receivables, {"EUR": outstanding} if status != "paid" else {},
                   f"receivables after {paid}")
    assert rep.ok("GET", f"invoices/{invoice['id']}")["status"] == "paid"

    # Everything reporting shows equals what sales holds.
    job = admin.ok("POST", "reports/reconcile", expect=202)
    result = wait_until(lambda: (lambda j: j if j["status"] in ("done", "failed") else None)(
        admin.ok("GET", f"reports/jobs/{job['id']}")), timeout=60, message="reconcile")["result"]
    assert result["ok"] and result["differences"] == [], result



def quote_sent_and_accepted(rep, deal):
    """A quote from the deal in proposal: drafted with the deal's lines, sent, accepted."""
    quote = rep.ok("POST", f"deals/{deal['id']}/quotes", expect=201, json={})
    assert (quote["status"], quote["total"], quote["deal_id"]) == (
        "draft", deal["amount"], deal["id"])
    assert quote["number"].startswith("Q-")
    assert rep.ok("POST", f"quotes/{quote['id']}/send")["status"] == "sent"
    assert rep.ok("POST", f"quotes/{quote['id']}/accept")["status"] == "accepted"
    return quote
