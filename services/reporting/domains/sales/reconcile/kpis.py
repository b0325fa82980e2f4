"""The sales KPIs beyond the deal rollups, recomputed from sales' own rows for reconcile:

- deal_products: closed deals per (close bucket, owner, product, won | lost, currency) — how
  many contain the product and its line totals (the product cuts of win rate and revenue);
- stage_entries: each deal's stage entries (deal, stage, business time) — what conversion
  and time in stage are computed from;
- time_in_stage: completed stays per stage, count and seconds;
- cash: invoiced per (issued_on, owner, currency) of the invoices not cancelled, collected per
  (received_on, owner, currency), and each invoice's open balance (receivables, aging).

Expected values come from sales' reconcile_deal_facts (status, owner, currency, created and
closed times), reconcile_deal_history (lines, stage changes) and reconcile_cash_facts
(invoices with their payments), computed here on their own terms; actual values from our facts.
"""
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from services.reporting import rollups
from services.reporting.domains.sales.models import (DealFact, DealLineFact, DealStageEntry,
                                                     InvoiceFact, PaymentFact)
from services.reporting.domains.sales.queries.cash import open_invoices

KEYS = {"deal_products.count": ("bucket", "owner_id", "product_id", "status", "currency"),
        "deal_products.amount_cents": ("bucket", "owner_id", "product_id", "status", "currency"),
        "stage_entries": ("deal_id", "stage", "entered_at"),
        "time_in_stage.count": ("stage",), "time_in_stage.seconds": ("stage",),
        "cash.invoiced": ("issued_on", "owner_id", "currency"),
        "cash.collected": ("received_on", "owner_id", "currency"),
        "receivables.outstanding": ("invoice_id", "currency")}
FOREVER = date(9999, 12, 31)        # every payment recorded so far counts


def _cents(amount):
    return int(Decimal(amount) * 100)


def _empty():
    return {name: Counter() for name in KEYS}


def _products(found, deal, lines):
    """deal: (owner, status, currency, closed_at); lines: [(product_id, cents)]."""
    owner, status, currency, closed_at = deal
    if status not in ("won", "lost") or closed_at is None:
        return
    bucket = rollups.bucket(closed_at)
    seen = set()
    for product_id, cents in lines:
        key = (bucket, rollups.as_key(owner), product_id, status, rollups.as_key(currency))
        found["deal_products.amount_cents"][key] += cents
        if product_id not in seen:
            seen.add(product_id)
            found["deal_products.count"][key] += 1


def _stages(found, deal_id, entries):
    """entries: [(stage, entered_at)] in time order."""
    for stage, entered_at in entries:
        found["stage_entries"][(deal_id, stage, entered_at.isoformat())] += 1
    for (stage, entered_at), (_next, left_at) in zip(entries, entries[1:]):
        found["time_in_stage.count"][(stage,)] += 1
        found["time_in_stage.seconds"][(stage,)] += int((left_at - entered_at).total_seconds())


def expected(deal_facts, histories, invoices=()):
    found = _empty()
    for invoice in invoices:
        owner, currency = rollups.as_key(invoice["owner_id"]), invoice["currency"]
        for payment in invoice["payments"]:
            found["cash.collected"][(payment["received_on"], owner, currency)] += \
                _cents(payment["amount"])
        if invoice["status"] == "cancelled":
            continue
        found["cash.invoiced"][(invoice["issued_on"], owner, currency)] += _cents(invoice["total"])
        balance = _cents(invoice["total"]) - sum(_cents(p["amount"]) for p in invoice["payments"])
        if balance > 0:
            found["receivables.outstanding"][(invoice["id"], currency)] += balance
    facts = {fact["id"]: fact for fact in deal_facts}
    for history in histories:
        fact = facts.get(history["id"])
        if fact is not None:
            closed = datetime.fromisoformat(fact["closed_at"]) if fact["closed_at"] else None
            _products(found, (fact["owner_id"], fact["status"], fact["currency"], closed),
                      [(line["product_id"], int(Decimal(line["total"]) * 100))
                       for line in history["lines"]])
        entries = sorted(((change["to_stage"], datetime.fromisoformat(change["changed_at"]))
                          for change in history["stages"]), key=lambda entry: entry[1])
        _stages(found, history["id"], entries)
    return found


def actual(session):
    found = _empty()
    lines = {}
    for deal_id, product_id, cents in session.execute(
            select(DealLineFact.deal_id, DealLineFact.product_id, DealLineFact.total_cents)
            .order_by(DealLineFact.deal_id, DealLineFact.position)):
        lines.setdefault(deal_id, []).append((product_id, cents))
    for deal_id, owner, status, currency, closed_at in session.execute(
            select(DealFact.id, DealFact.owner_id, DealFact.status, DealFact.currency,
                   DealFact.closed_at).where(DealFact.created_at.is_not(None))):
        _products(found, (owner, status, currency, closed_at), lines.get(deal_id, []))
    entries = {}
    for deal_id, stage, entered_at in session.execute(
            select(DealStageEntry.deal_id, DealStageEntry.to_stage, DealStageEntry.entered_at)
            .order_by(DealStageEntry.deal_id, DealStageEntry.entered_at,
                      DealStageEntry.sequence)):
        entries.setdefault(deal_id, []).append((stage, entered_at))
    for deal_id, deal_entries in entries.items():
        _stages(found, deal_id, deal_entries)
    _cash_actual(session, found)
    return found


def _cash_actual(session, found):
    for issued_on, owner, currency, cents in session.execute(
            select(InvoiceFact.issued_on, InvoiceFact.owner_id, InvoiceFact.currency,
                   InvoiceFact.total_cents)
            .where(InvoiceFact.issued_on.is_not(None), InvoiceFact.cancelled.is_(False))):
        found["cash.invoiced"][(issued_on.isoformat(), rollups.as_key(owner), currency)] += cents
    for received_on, owner, currency, cents in session.execute(
            select(PaymentFact.received_on, PaymentFact.owner_id, PaymentFact.currency,
                   PaymentFact.amount_cents)):
        found["cash.collected"][(received_on.isoformat(), rollups.as_key(owner), currency)] += cents
    for invoice, balance in open_invoices(session, FOREVER):
        found["receivables.outstanding"][(invoice.id, invoice.currency)] += balance
