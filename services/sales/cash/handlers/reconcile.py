"""This service's own invoice data, for reporting's reconciliation of cash collected vs invoiced
and of receivables (admin / system only): per invoice its parties, currency, total, paid, dates
and status, plus each payment's amount and received_on (cash collected per period).

Pages keyed by invoice id, stamped with the event sequence read before the rows (the chassis's
reconcile_page): equal sequences on every page and no later event = a consistent read.
"""
from sqlalchemy import select

from services.chassis.pagination import reconcile_page
from services.sales.cash.models import Invoice, Payment

SCOPE = "reconcile:invoices"


def _payments(session, invoice_ids):
    found = {invoice_id: [] for invoice_id in invoice_ids}
    if invoice_ids:
        rows = session.execute(select(Payment.invoice_id, Payment.id, Payment.amount,
                                      Payment.received_on)
                               .where(Payment.invoice_id.in_(invoice_ids))
                               .order_by(Payment.invoice_id, Payment.recorded_at, Payment.id))
        for row in rows:
            found[row.invoice_id].append({"id": row.id, "amount": str(row.amount),
                                          "received_on": row.received_on.isoformat()})
    return found


def _facts(session, rows):
    payments = _payments(session, [row.id for row in rows])
    return [{"id": row.id, "number": row.number, "deal_id": row.deal_id,
             "order_id": row.order_id, "customer_id": row.customer_id,
             "owner_id": row.owner_id, "currency": row.currency, "total": str(row.total),
             "paid": str(row.paid), "issued_on": row.issued_on.isoformat(),
             "due_on": row.due_on.isoformat(), "status": row.status,
             "overdue_at": row.overdue_at.isoformat() if row.overdue_at else None,
             "payments": payments[row.id]}
            for row in rows]


def cash_facts(session, cursor=None, limit=500):
    return reconcile_page(session, select(Invoice), Invoice.id, cursor, limit, SCOPE, _facts)
