"""Placing a purchase order under an active purchase contract (issue 14): numbered
"PO-<year>-NNNNN" without gaps (services/chassis/numbering.py); its lines are contract lines
at the contract's unit prices — the quantities chosen, or by default everything not yet
ordered — and never more than a line has left (the contract line's ordered quantity grows in
the same transaction: 409 naming the line and what remains); the total is exact; the date it
is expected on defaults to the contract's delivery date. Only an active supplier is ordered
from (on hold or blocked: 409). A draft, or sent at once with `send`."""
from decimal import Decimal

from sqlalchemy import select

from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.models import utcnow
from services.chassis.numbering import next_number
from services.chassis.validation import load
from services.procurement import metrics
from services.procurement.orders import contract_statuses, schemas, statuses
from services.procurement.orders.handlers import moves
from services.procurement.orders.handlers.record import columns, dump, new_id, value_of
from services.procurement.orders.models import (DocumentCounter, PurchaseContract,
                                                PurchaseContractLine, PurchaseOrder,
                                                PurchaseOrderLine)
from services.procurement.suppliers import statuses as supplier_statuses
from services.procurement.suppliers.record import one as supplier_one

ZERO = Decimal("0.00")


def _invalid(field, message):
    return Invalid("The request is not valid.", {field: [message]})


def _contract(session, contract_id):
    contract = session.scalar(select(PurchaseContract).where(PurchaseContract.id == contract_id)
                              .with_for_update())
    if contract is None:
        raise NotFound(f"No purchase contract {contract_id}.", {"id": contract_id})
    contract_statuses.refuse(contract, "placing an order under it", (contract_statuses.ACTIVE,))
    return contract


def _orderable_supplier(session, supplier_id):
    supplier = supplier_one(session, supplier_id)
    if supplier.status != supplier_statuses.ACTIVE:
        raise Conflict(f"Supplier {supplier.name} is {supplier.status}: no new orders.",
                       {"id": supplier.id, "allowed": [supplier_statuses.ACTIVE]})


def _chosen(contract_lines, wanted):
    """[(contract line, quantity)] — `wanted` as given, or every line with something left."""
    if wanted is None:
        chosen = [(line, line.quantity - line.ordered_quantity) for line in contract_lines
                  if line.ordered_quantity < line.quantity]
        if not chosen:
            raise Conflict("Everything in this contract is ordered already.",
                           {"id": contract_lines[0].contract_id})
        return chosen
    by_id, seen, chosen = {line.id: line for line in contract_lines}, set(), []
    for index, item in enumerate(wanted):
        line = by_id.get(item["contract_line_id"])
        if line is None:
            raise _invalid("lines", f"Line {index + 1}: {item['contract_line_id']} is not a "
                                    f"line of this contract.")
        if line.id in seen:
            raise _invalid("lines", f"Line {index + 1}: contract line {line.id} twice.")
        seen.add(line.id)
        remaining = line.quantity - line.ordered_quantity
        quantity = item.get("quantity") or remaining
        if remaining <= 0 or quantity > remaining:
            left = (f"{remaining} {line.unit} left to order: {quantity} is more" if remaining > 0
                    else "nothing left to order")
            raise Conflict(f"Contract line {line.position} ({line.item}) has {left}.",
                           {"id": line.id, "remaining": str(remaining)})
        chosen.append((line, quantity))
    return chosen


def place_order(uow, principal, data):
    fields, session = load(schemas.PurchaseOrderCreate, data), uow.session
    contract = _contract(session, fields["contract_id"])
    _orderable_supplier(session, contract.supplier_id)
    expected_on = fields.get("expected_on") or contract.delivery_date
    if expected_on is None:
        raise _invalid("expected_on", "The contract names no delivery date: say when the "
                                      "goods are expected.")
    contract_lines = list(session.scalars(
        select(PurchaseContractLine).where(PurchaseContractLine.contract_id == contract.id)
        .order_by(PurchaseContractLine.position).with_for_update()))
    chosen = _chosen(contract_lines, fields.get("lines"))
    now = utcnow()
    order = PurchaseOrder(
        id=new_id(), number=next_number(session, DocumentCounter, "PO", now.year),
        contract_id=contract.id, request_id=contract.request_id,
        supplier_id=contract.supplier_id, currency=contract.currency, total=ZERO,
        accepted_value=ZERO, expected_on=expected_on, status=statuses.DRAFT,
        created_by=principal.user_id, created_at=now, updated_at=now)
    lines = []
    for position, (contract_line, quantity) in enumerate(chosen, start=1):
        contract_line.ordered_quantity += quantity
        lines.append(PurchaseOrderLine(
            id=new_id(), order_id=order.id, position=position, contract_line_id=contract_line.id,
            item=contract_line.item, unit=contract_line.unit, category=contract_line.category,
            quantity=quantity, unit_price=contract_line.unit_price,
            line_total=value_of(quantity, contract_line.unit_price), received_quantity=0,
            rejected_quantity=0))
    order.total = sum(line.line_total for line in lines)
    session.add(order)
    session.add_all(lines)
    session.flush()
    uow.emit("purchase_order_created", {**columns(order),
                                        "lines": [columns(line) for line in lines]})
    metrics.order_placed()
    if fields["send"]:
        moves.move(uow, principal, order, statuses.SENT, None)
    return dump(session, order)
