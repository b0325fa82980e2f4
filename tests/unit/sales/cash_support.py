"""Won deals, invoices and payments for the cash handler tests."""
import itertools

from services.sales.cash.handlers import invoices, payments
from services.sales.deals.handlers import moves
from tests.unit.sales.support import REP_A, call, deal, product

_names = itertools.count(1)


def won_deal(db, principal=REP_A, price="1000.00", quantity=1, currency="USD", at=None, **data):
    """A deal won now, or `at` a fixed time."""
    item = product(db, f"Item {next(_names)}", price, currency=currency)
    created = deal(db, principal, lines=[{"product_id": item["id"], "quantity": quantity}],
                   currency=currency, **data)
    return call(db, moves.move_deal, principal, created["id"], {"stage": "won"}, at)


def invoice(db, principal=REP_A, deal_id=None, **data):
    deal_id = deal_id or won_deal(db, principal)["id"]
    return call(db, invoices.issue_invoice, principal, {"deal_id": deal_id, **data})


def pay(db, invoice_id, amount, principal=REP_A, **data):
    return call(db, payments.record_payment, principal, invoice_id, {"amount": amount, **data})


def read(db, invoice_id, principal=REP_A):
    return call(db, invoices.get_invoice, principal, invoice_id, write=False)
