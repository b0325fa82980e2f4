"""Invoices: issued from a won deal or an order (their lines copied),
numbered without gaps per year; read, listed (filters, overdue) and cancelled while nothing is paid.

Status: issued → partially_paid → paid (handlers/payments.py), or cancelled while unpaid.
A deal has at most one live (not cancelled) invoice issued from it directly, an order one.
"""
import uuid
from datetime import timedelta

from sqlalchemy import and_, inspect, not_, select

from services.chassis import pagination
from services.chassis.errors import Conflict, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.sales import scopes, settings
from services.sales.cash import schemas
from services.sales.cash.models import Invoice, InvoiceLine, Payment
from services.sales.deals.handlers import deals, lines, pipeline
from services.sales.deals.models import Deal
from services.sales.documents.handlers import numbering, orders

OPEN = ("issued", "partially_paid")            # a balance is still expected
LINE_FIELDS = ("position", "product_id", "product_name", "quantity", "unit_price",
               "discount_percent", "total")
INVOICE_SCHEMA = schemas.Invoice(many=True)
PAYMENTS_SCHEMA = schemas.Payment(many=True)


def today():
    return utcnow().date()


def payment_terms():
    return timedelta(days=settings.payment_terms_days())


def is_overdue(invoice, on):
    return invoice.status in OPEN and invoice.due_on < on


def overdue_condition(on):
    return and_(Invoice.status.in_(OPEN), Invoice.due_on < on)


# --- reading ------------------------------------------------------------------------------

def lines_of(session, invoice_ids):
    found = {invoice_id: [] for invoice_id in invoice_ids}
    if invoice_ids:
        for line in session.scalars(select(InvoiceLine)
                                    .where(InvoiceLine.invoice_id.in_(list(invoice_ids)))
                                    .order_by(InvoiceLine.invoice_id, InvoiceLine.position)):
            found[line.invoice_id].append({name: getattr(line, name) for name in LINE_FIELDS})
    return found


def dump_many(session, invoices):
    all_lines, on = lines_of(session, [invoice.id for invoice in invoices]), today()
    return INVOICE_SCHEMA.dump([{**vars_of(invoice), "outstanding": invoice.outstanding,
                                 "overdue": is_overdue(invoice, on),
                                 "lines": all_lines[invoice.id]} for invoice in invoices])


COLUMNS = tuple(name for name in schemas.Invoice().fields
                if name in inspect(Invoice).column_attrs.keys())


def vars_of(invoice):
    """The invoice's stored fields, by their attribute names."""
    return {name: getattr(invoice, name) for name in COLUMNS}


def payments_of(session, invoice_id):
    return list(session.scalars(select(Payment).where(Payment.invoice_id == invoice_id)
                                .order_by(Payment.recorded_at, Payment.id)))


def get_invoice(session, principal, invoice_id):
    invoice = scopes.one(session, principal, Invoice, invoice_id)
    return {**dump_many(session, [invoice])[0],
            "payments": PAYMENTS_SCHEMA.dump(payments_of(session, invoice.id))}


def list_payments(session, principal, invoice_id):
    invoice = scopes.one(session, principal, Invoice, invoice_id)
    return PAYMENTS_SCHEMA.dump(payments_of(session, invoice.id))


def list_invoices(session, principal, query=None):
    filters = load(schemas.InvoiceQuery, query or {})
    statement = select(Invoice).where(scopes.condition(session, principal, Invoice.owner_id))
    for name in ("status", "customer_id", "deal_id", "owner_id"):
        if filters.get(name) is not None:
            statement = statement.where(getattr(Invoice, name) == filters[name])
    if filters.get("overdue") is not None:
        condition = overdue_condition(today())
        statement = statement.where(condition if filters["overdue"] else not_(condition))
    names = ("status", "customer_id", "deal_id", "owner_id", "overdue")
    scope = "invoices:" + ":".join(str(filters.get(name)) for name in names)
    return pagination.newest_first(session, statement, Invoice, filters, scope, dump_many)


def list_overdue_invoices(session, principal, query=None):
    return list_invoices(session, principal, {**(query or {}), "overdue": True})


# --- issuing ------------------------------------------------------------------------------

def _live_invoice(session, *conditions):
    return session.scalar(select(Invoice).where(Invoice.status != "cancelled", *conditions)
                          .limit(1))


def _refuse_twice(existing, what):
    if existing is not None:
        raise Conflict(f"{what} is already invoiced ({existing.number}); cancel that invoice "
                       f"first.", {"invoice_id": existing.id, "number": existing.number})


def _from_deal(session, principal, deal_id):
    """The won deal (locked: two issuers for one deal queue) and what to invoice."""
    deal = scopes.one(session, principal, Deal, deal_id, for_write=True)
    if pipeline.stage(session, deal.stage).kind != "won":
        raise Conflict("Only a won deal can be invoiced.", {"stage": deal.stage})
    if deal.customer_id is None:           # imported deals may have no account: nobody to bill
        raise Conflict("The deal has no customer to invoice.", {"customer_id": None})
    _refuse_twice(_live_invoice(session, Invoice.deal_id == deal.id), "This deal")
    return {"deal_id": deal.id, "order_id": None, "customer_id": deal.customer_id,
            "owner_id": deal.owner_id, "currency": deal.currency, "total": deal.amount,
            "lines": deals.lines_of(session, [deal.id])[deal.id]}


def _from_order(session, principal, order_id):
    """The order (locked) and what to invoice: its lines and total
    (documents/handlers/orders.py)."""
    source = orders.for_invoice(session, principal, order_id)
    if source["customer_id"] is None:
        raise Conflict("The order has no customer to invoice.", {"customer_id": None})
    _refuse_twice(_live_invoice(session, Invoice.order_id == order_id), "This order")
    return source


def _dates(data):
    issued_on = data.get("issued_on") or today()
    due_on = data.get("due_on") or issued_on + payment_terms()
    if due_on < issued_on:
        raise Invalid("The request is not valid.", {"due_on": ["Must not be before issued_on."]})
    return issued_on, due_on


def issue_invoice(uow, principal, data):
    session = uow.session
    data = load(schemas.InvoiceCreate, data)
    issued_on, due_on = _dates(data)
    source = _from_order(session, principal, data["order_id"]) if data.get("order_id") \
        else _from_deal(session, principal, data["deal_id"])
    if source["total"] <= 0:
        raise Conflict("There is nothing to invoice: the total is 0.", {"total": "0.00"})
    now = utcnow()
    invoice = Invoice(id=str(uuid.uuid4()), number=numbering.next_number(session, "INV",
                                                                         issued_on.year),
                      **{name: source[name] for name in ("order_id", "deal_id", "customer_id",
                                                         "owner_id", "currency", "total")},
                      status="issued", paid=lines.ZERO, issued_on=issued_on, due_on=due_on,
                      issued_by=principal.user_id, created_at=now, updated_at=now)
    session.add(invoice)
    session.flush()
    for line in source["lines"]:
        session.add(InvoiceLine(invoice_id=invoice.id, **{name: line[name]
                                                           for name in LINE_FIELDS}))
    uow.emit("invoice_issued", {**vars_of(invoice), "lines": source["lines"], "issued_at": now})
    return get_invoice(session, principal, invoice.id)


def cancel_invoice(uow, principal, invoice_id, data):
    session = uow.session
    data = load(schemas.InvoiceCancel, data)
    invoice = scopes.one(session, principal, Invoice, invoice_id, for_write=True)
    if invoice.status != "issued":
        raise Conflict(f"The invoice is {invoice.status}; only an unpaid invoice can be "
                       f"cancelled.", {"status": invoice.status})
    now = utcnow()
    invoice.status, invoice.cancelled_at, invoice.cancel_reason = "cancelled", now, data["reason"]
    invoice.updated_at = now
    uow.emit("invoice_cancelled", {**vars_of(invoice), "cancelled_at": now,
                                   "cancelled_by": principal.user_id, "reason": data["reason"]})
    return get_invoice(session, principal, invoice.id)
