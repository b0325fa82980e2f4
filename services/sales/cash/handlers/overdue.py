"""Overdue detection, run by a timer: an invoice past its due date (UTC) with a balance gets
`invoice_overdue` once.

Each invoice is marked by a conditional UPDATE ... WHERE overdue_at IS NULL in its own
transaction, and the event is emitted only when that UPDATE changed the row: with several sales
replicas running the timer, the second one's UPDATE waits for the first's row lock (PostgreSQL)
or the write lock (SQLite), then matches nothing — one event per invoice.
"""
from sqlalchemy import select

from services.chassis.models import utcnow
from services.chassis.periodic import claim, mark_each
from services.sales.cash.handlers import invoices
from services.sales.cash.models import Invoice

BATCH = 200


def _candidates(session, on, limit):
    return list(session.scalars(select(Invoice.id)
                                .where(invoices.overdue_condition(on), Invoice.overdue_at.is_(None))
                                .order_by(Invoice.due_on, Invoice.id).limit(limit)))


def mark_overdue(uow, invoice_id, on):
    """True if this call marked the invoice (and emitted its event); False if it was not
    overdue any more or another process got there first."""
    session, now = uow.session, utcnow()
    if not claim(session, Invoice, Invoice.id == invoice_id, Invoice.overdue_at.is_(None),
                 invoices.overdue_condition(on), overdue_at=now):
        return False
    invoice = session.scalar(select(Invoice).where(Invoice.id == invoice_id)
                             .execution_options(populate_existing=True))
    uow.emit("invoice_overdue", {**invoices.vars_of(invoice), "outstanding": invoice.outstanding,
                                 "detected_at": now})
    return True


def detect_overdue(db, on=None, batch=BATCH):
    """Mark every invoice overdue on `on` (default: today, UTC); the number this call marked."""
    on = on or invoices.today()
    return mark_each(db, lambda session, limit: _candidates(session, on, limit),
                     lambda uow, invoice_id: mark_overdue(uow, invoice_id, on),
                     "invoice(s) became overdue", batch=batch)
