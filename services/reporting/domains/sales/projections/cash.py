"""Invoices and payments from sales' cash events (invoiced vs collected, receivables).

- invoice_issued: the invoice as issued; the newest sequence wins (a re-issue would come as a
  newer event). An older event arriving after a newer one changes nothing.
- payment_received: one immutable row per payment id (a repeat inserts nothing). Outstanding
  balances are computed from these rows at query time, on any as-of date — never taken from
  the event's `outstanding_after` or from the overdue timer.
- invoice_overdue: only notes when sales' timer saw the invoice overdue (a gauge of its own;
  the receivables report decides overdue from due_on and the payments itself).
- invoice_cancelled: takes the invoice out of every report, whatever arrives after.
Any of them may come first: the row is created as a placeholder (no issued_on, so no report
counts it) and completed by the issue when it arrives.
"""
from services.chassis.db import insert_ignoring_conflicts
from services.reporting.domains.sales import consumes
from services.reporting.domains.sales.models import InvoiceFact, PaymentFact
from services.reporting.plugin import Projection
from services.reporting.rollups import cents, locked_row
from services.reporting.tolerant import load


def _invoice(session, invoice_id):
    return locked_row(session, InvoiceFact, {"id": invoice_id}, sequence=0, total_cents=0,
                      cancelled=False)


def apply_issued(session, envelope):
    data = load(consumes.InvoiceIssued, envelope)
    invoice = _invoice(session, data["id"])
    if envelope["sequence"] <= invoice.sequence:
        return
    for name in ("number", "deal_id", "customer_id", "owner_id", "currency", "issued_on",
                 "due_on"):
        setattr(invoice, name, data.get(name))
    invoice.total_cents, invoice.sequence = cents(data["total"]), envelope["sequence"]


def apply_payment(session, envelope):
    data = load(consumes.PaymentReceived, envelope)
    insert_ignoring_conflicts(session, PaymentFact, {
        "id": data["id"], "invoice_id": data["invoice_id"], "deal_id": data.get("deal_id"),
        "owner_id": data.get("owner_id"), "amount_cents": cents(data["amount"]),
        "currency": data["currency"], "received_on": data["received_on"]}, ("id",))


def apply_overdue(session, envelope):
    data = load(consumes.InvoiceOverdue, envelope)
    invoice = _invoice(session, data["id"])
    if invoice.overdue_detected_at is None or data["detected_at"] < invoice.overdue_detected_at:
        invoice.overdue_detected_at = data["detected_at"]


def apply_cancelled(session, envelope):
    data = load(consumes.InvoiceCancelled, envelope)
    _invoice(session, data["id"]).cancelled = True


CASH = Projection("cash", {"sales": {
    "invoice_issued": apply_issued, "payment_received": apply_payment,
    "invoice_overdue": apply_overdue, "invoice_cancelled": apply_cancelled,
}}, (InvoiceFact, PaymentFact))
