"""Payments received against an invoice: exact amounts, never more than the balance, the same
client reference never booked twice; the invoice's status follows its balance.

The invoice row is locked for the payment (concurrent payments on one invoice queue), so the
balance each one checks is the one it changes; the unique (invoice, reference) constraint is
the last line should two requests with one reference ever slip past that.
"""
import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.chassis.errors import Conflict, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.sales import scopes
from services.sales.cash import schemas
from services.sales.cash.handlers import invoices
from services.sales.cash.models import Invoice, Payment

RESULT = schemas.PaymentResult()


def _invalid(field, message):
    return Invalid("The request is not valid.", {field: [message]})


def _refuse_duplicate(session, invoice, reference):
    if reference is None:
        return
    earlier = session.scalar(select(Payment).where(Payment.invoice_id == invoice.id,
                                                   Payment.reference == reference))
    if earlier is not None:
        raise Conflict(f"A payment with reference '{reference}' is already recorded on "
                       f"{invoice.number}.", {"reference": reference, "payment_id": earlier.id})


def _check_amount(invoice, data):
    amount, balance = data["amount"], invoice.outstanding
    if amount <= 0:
        raise _invalid("amount", "Must be greater than 0.")
    if data.get("currency") not in (None, invoice.currency):
        raise _invalid("currency", f"The invoice is in {invoice.currency}.")
    if amount > balance:
        raise Invalid(f"The payment of {amount} {invoice.currency} exceeds the outstanding "
                      f"balance of {invoice.number}: {balance} {invoice.currency}.",
                      {"amount": [f"At most {balance} {invoice.currency} is outstanding."]})
    received_on = data.get("received_on") or invoices.today()
    if received_on > invoices.today():
        raise _invalid("received_on", "A payment cannot be received in the future.")
    return amount, received_on


def record_payment(uow, principal, invoice_id, data):
    session = uow.session
    data = load(schemas.PaymentCreate, data)
    invoice = scopes.one(session, principal, Invoice, invoice_id, for_write=True)
    if invoice.status == "cancelled":
        raise Conflict(f"{invoice.number} is cancelled.", {"status": invoice.status})
    reference = data.get("reference")
    _refuse_duplicate(session, invoice, reference)        # a retry is a 409, even once paid
    amount, received_on = _check_amount(invoice, data)
    now = utcnow()
    invoice.paid += amount
    invoice.status = "paid" if invoice.outstanding == 0 else "partially_paid"
    invoice.updated_at = now
    payment = Payment(id=str(uuid.uuid4()), invoice_id=invoice.id, amount=amount,
                      currency=invoice.currency, received_on=received_on,
                      method=data.get("method"), reference=reference,
                      outstanding_after=invoice.outstanding, recorded_by=principal.user_id,
                      recorded_at=now)
    session.add(payment)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"A payment with reference '{reference}' is already recorded on "
                       f"{invoice.number}.", {"reference": reference})
    uow.emit("payment_received", {
        "id": payment.id, "invoice_id": invoice.id, "invoice_number": invoice.number,
        "deal_id": invoice.deal_id, "customer_id": invoice.customer_id,
        "owner_id": invoice.owner_id, "amount": amount, "currency": invoice.currency,
        "received_on": received_on, "method": payment.method, "reference": reference,
        "recorded_at": now, "recorded_by": principal.user_id,
        "outstanding_after": payment.outstanding_after, "invoice_status": invoice.status})
    return RESULT.dump({**{name: getattr(payment, name) for name in RESULT.fields
                           if name != "invoice_status"}, "invoice_status": invoice.status})
