"""This service's own invoice data, for reporting's reconciliation of cash collected vs invoiced
and of receivables (admin / system only): per invoice its parties, currency, total, paid, dates
and status, plus each payment's amount and received_on (cash collected per period).

Keyset pages by id stamped with the event sequence read before the rows, as deal_facts
(handlers/reconcile.py): equal sequences on every page and no later event = a consistent read.
"""
from sqlalchemy import select

from services.chassis import pagination
from services.chassis.models import EventSequence
from services.sales.handlers.reconcile import _after, _page_size
from services.sales.models_cash import Invoice, Payment

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


def cash_facts(session, cursor=None, limit=500):
    size, start = _page_size(limit), _after(cursor, SCOPE)
    sequence = session.scalar(select(EventSequence.last).where(EventSequence.id == 1)) or 0
    query = select(Invoice)
    if start:
        query = query.where(Invoice.id > start)
    rows = list(session.scalars(query.order_by(Invoice.id).limit(size + 1)))
    more, rows = len(rows) > size, rows[:size]
    payments = _payments(session, [row.id for row in rows])
    items = [{"id": row.id, "number": row.number, "deal_id": row.deal_id,
              "order_id": row.order_id, "customer_id": row.customer_id,
              "owner_id": row.owner_id, "currency": row.currency, "total": str(row.total),
              "paid": str(row.paid), "issued_on": row.issued_on.isoformat(),
              "due_on": row.due_on.isoformat(), "status": row.status,
              "overdue_at": row.overdue_at.isoformat() if row.overdue_at else None,
              "payments": payments[row.id]}
             for row in rows]
    next_cursor = pagination.encode_cursor([rows[-1].id], SCOPE) if more else None
    return {"items": items, "next_cursor": next_cursor, "sequence": sequence}
