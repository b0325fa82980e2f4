"""Supplier selection and contracts in the unit tests: a fixed clock for their modules, an
approved request with two lines, active suppliers, and the use cases as the entrypoints run
them (on top of support.py's database and people)."""
from datetime import datetime, timezone

from services.procurement.orders import contracts
from services.procurement.sourcing.handlers import asking, choice, offers, reads
from tests.unit.procurement.support import (ADMIN, BUYER, MANAGER, approve, line, new_request,
                                            new_supplier, read, write)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
CLOCKED = (asking, offers, choice, reads, contracts)


def fixed_clock(monkeypatch):
    """The use cases' `utcnow`, fixed at NOW; `clock["now"] = ...` moves it (the tests'
    `clock` fixture)."""
    state = {"now": NOW}
    for module in CLOCKED:
        monkeypatch.setattr(module, "utcnow", lambda: state["now"])
    return state


def approved_request(db):
    """Above 5,000 in EUR: a manager then an admin approve it."""
    request = new_request(db, lines=[line(item="Laptop", quantity="3", price="1800.00",
                                          category="IT hardware"),
                                     line(item="Dock", quantity="3", price="200.00")])
    approve(db, MANAGER, request["id"])
    return approve(db, ADMIN, request["id"])


def suppliers(db, *names):
    return [new_supplier(db, name=name, payment_terms_days=45)["id"] for name in names]


def ask(db, request_id, supplier_ids, principal=BUYER, **extra):
    return write(db, principal, asking.request_quotations, request_id,
                 {"supplier_ids": list(supplier_ids), **extra})


def offer(db, quotation_id, request, prices, principal=BUYER, **extra):
    """`prices`: a unit price per request line, in the request's order."""
    body = {"currency": "EUR", "delivery_date": "2026-04-15",
            "lines": [{"request_line_id": rl["id"], "unit_price": price}
                      for rl, price in zip(request["lines"], prices)], **extra}
    return write(db, principal, offers.record_offer, quotation_id, body)


def choose(db, quotation_id, reason="Cheapest, delivers in time.", principal=BUYER):
    return write(db, principal, choice.choose_quotation, quotation_id,
                 {"reason": reason} if reason else {})


def withdraw(db, quotation_id, reason=None, principal=BUYER):
    return write(db, principal, choice.withdraw_quotation, quotation_id,
                 {"reason": reason} if reason else {})


def compare(db, principal, request_id):
    return read(db, reads.compare_quotations, principal, request_id)


def new_contract(db, request_id, principal=BUYER, **extra):
    return write(db, principal, contracts.create_contract, {"request_id": request_id, **extra})
