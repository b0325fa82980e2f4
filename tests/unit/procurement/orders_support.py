"""Orders and receipts run as their entrypoints run them, on a fixed clock (2026-04-15 10:00
UTC, a second later at each reading): an active supplier with an active contract (inserted:
tests/unit/procurement/contracts.py), orders placed, moved and received."""
import itertools
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from services.procurement.orders.handlers import lists, moves, place, receipts
from tests.unit.procurement.contracts import insert_contract
from tests.unit.procurement.support import BUYER, new_supplier, read, write

NOW = datetime(2026, 4, 15, 10, 0, tzinfo=timezone.utc)
TODAY = NOW.date()
EXPECTED = date(2026, 3, 31)
# (item, quantity, unit price, category): 10 × 19.99 + 3 × 333.33 = 199.90 + 999.99
LINES = [("Toner", "10", "19.99", "Office supplies"), ("Desk", "3", "333.33", "Furniture")]


@pytest.fixture
def clock(monkeypatch):
    """NOW, a second later at every reading (what is written later sorts later); the date
    stays TODAY."""
    ticks = itertools.count()

    def utcnow():
        return NOW + timedelta(seconds=next(ticks))
    for module in (place, moves, receipts):
        monkeypatch.setattr(module, "utcnow", utcnow)
    return NOW


def contract(db, supplier_id=None, lines=LINES, **options):
    supplier_id = supplier_id or new_supplier(db, name=f"Supplier {uuid.uuid4().hex[:8]}")["id"]
    with db.unit_of_work(actor=BUYER.user_id) as uow:
        found = insert_contract(uow.session, supplier_id, lines, **options)
    return {**found, "supplier_id": supplier_id}


def order(db, contract_id, principal=BUYER, **data):
    return write(db, principal, place.place_order, {"contract_id": contract_id, **data})


def move(db, order_id, status, reason=None, principal=BUYER):
    body = {"status": status, **({"reason": reason} if reason else {})}
    return write(db, principal, moves.change_status, order_id, body)


def receive(db, order_id, lines, received_on=TODAY, principal=BUYER, **data):
    """`lines`: [(order line id, received, rejected)]."""
    body = {"received_on": str(received_on), **data,
            "lines": [{"order_line_id": line, "quantity_received": got,
                       "quantity_rejected": rejected} for line, got, rejected in lines]}
    return write(db, principal, receipts.record_receipt, order_id, body)


def get_order(db, order_id, principal=BUYER):
    return read(db, lists.get_order, principal, order_id)
