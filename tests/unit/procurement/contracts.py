"""Purchase contracts written straight into procurement's tables — the shape a contract made
from a chosen quotation has — so orders and receipts are tested on their own: `active`, with
its lines (nothing ordered yet) and the delivery date promised."""
import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from services.chassis.models import utcnow
from services.procurement.orders.models import PurchaseContract, PurchaseContractLine
from services.procurement.requests.handlers.record import line_total


def insert_contract(session, supplier_id, lines, delivery_date=date(2026, 3, 31),
                    currency="EUR", status="active", number=None, request_id=None):
    """`lines`: [(item, quantity, unit price, category)] as strings; returns the contract's id
    and its lines' ids (by position)."""
    now, contract_id = utcnow(), str(uuid.uuid4())
    rows = [PurchaseContractLine(
        id=str(uuid.uuid4()), contract_id=contract_id, position=position,
        request_line_id=str(uuid.uuid4()), item=item, unit="pcs", category=category,
        quantity=Decimal(quantity), unit_price=Decimal(price),
        line_total=line_total(Decimal(quantity), Decimal(price)), ordered_quantity=0)
        for position, (item, quantity, price, category) in enumerate(lines, start=1)]
    session.add(PurchaseContract(
        id=contract_id, number=number or f"PC-T-{contract_id[:8]}",
        request_id=request_id or str(uuid.uuid4()),
        quotation_id=str(uuid.uuid4()), supplier_id=supplier_id, currency=currency,
        total=sum(row.line_total for row in rows), payment_terms_days=30,
        delivery_date=delivery_date, status=status, created_by="u-buyer", created_at=now,
        updated_at=now))
    session.add_all(rows)
    session.flush()
    return {"id": contract_id, "lines": [row.id for row in rows]}


def insert_contract_into(engine, *args, **kwargs):
    """The same in a transaction of its own on `engine` (a running service's database)."""
    with Session(engine) as session, session.begin():
        return insert_contract(session, *args, **kwargs)
