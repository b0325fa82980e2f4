"""Goods received against a sent or partially received purchase order (issue 14): numbered
"GR-<year>-NNNNN"; received on a date not after the service's today; per order line the
quantity received and how much of it is rejected (at most what came); what is accepted
(received − rejected) adds up per line to at most the line's quantity (422 otherwise, nothing
changed). The receipt is on time when it came on or before the order's expected date; its
value is the accepted quantities at the lines' unit prices (exact cents, half up). The order
becomes `received` when every line's accepted quantity reaches its quantity, else
`partially_received`: goods_received, then purchase_order_status_changed if the status moved,
then the contract may complete (handlers/moves.py). The same receipt retried with its
Idempotency-Key applies once (the chassis answers the first answer)."""
from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import Invalid
from services.chassis.models import utcnow
from services.chassis.numbering import next_number
from services.chassis.validation import load
from services.procurement import metrics
from services.procurement.orders import schemas, scopes, statuses
from services.procurement.orders.handlers import moves
from services.procurement.orders.handlers.record import columns, lines_of, new_id, value_of
from services.procurement.orders.models import (DocumentCounter, GoodsReceipt, GoodsReceiptLine,
                                                PurchaseOrderLine)

RECEIPT = schemas.GoodsReceipt()


def today():
    """The service's date (UTC): a receipt cannot be dated after it."""
    return utcnow().date()


def _invalid(field, messages):
    return Invalid("The receipt is not valid.", {field: messages})


def _checked_lines(order_lines, wanted):
    """[(order line, received, rejected)] or 422 naming every wrong line."""
    by_id, seen, checked, errors = {line.id: line for line in order_lines}, set(), [], []
    for index, item in enumerate(wanted, start=1):
        line = by_id.get(item["order_line_id"])
        received, rejected = item["quantity_received"], item["quantity_rejected"]
        if line is None:
            errors.append(f"Line {index}: {item['order_line_id']} is not a line of this order.")
            continue
        if line.id in seen:
            errors.append(f"Line {index}: order line {line.position} twice.")
            continue
        seen.add(line.id)
        if rejected > received:
            errors.append(f"Line {index}: {rejected} rejected of {received} received.")
            continue
        accepted_before = line.received_quantity - line.rejected_quantity
        if accepted_before + received - rejected > line.quantity:
            errors.append(f"Line {index} ({line.item}): {line.quantity} {line.unit} ordered, "
                          f"{accepted_before} accepted before: {received - rejected} more is "
                          f"too much.")
            continue
        checked.append((line, received, rejected))
    if errors:
        raise _invalid("lines", errors)
    return checked


def record_receipt(uow, principal, order_id, data):
    fields, session = load(schemas.GoodsReceiptCreate, data), uow.session
    order = scopes.one(session, principal, order_id, for_write=True)
    statuses.refuse_receipt(order)
    if fields["received_on"] > today():
        raise _invalid("received_on", ["Goods cannot be received in the future."])
    order_lines = lines_of(session, [order.id], for_write=True).get(order.id, [])
    checked = _checked_lines(order_lines, fields["lines"])
    now = utcnow()
    receipt = GoodsReceipt(
        id=new_id(), number=next_number(session, DocumentCounter, "GR", now.year),
        order_id=order.id, supplier_id=order.supplier_id, received_on=fields["received_on"],
        on_time=fields["received_on"] <= order.expected_on, accepted_value=0,
        note=fields.get("note"), recorded_by=principal.user_id, recorded_at=now)
    rows, event_lines = [], []
    for line, received, rejected in checked:
        accepted_value = value_of(received - rejected, line.unit_price)
        line.received_quantity += received
        line.rejected_quantity += rejected
        rows.append(GoodsReceiptLine(id=new_id(), receipt_id=receipt.id, order_line_id=line.id,
                                     quantity_received=received, quantity_rejected=rejected,
                                     accepted_value=accepted_value))
        event_lines.append({"order_line_id": line.id, "category": line.category,
                            "quantity_received": received, "quantity_rejected": rejected,
                            "unit_price": line.unit_price, "accepted_value": accepted_value})
    receipt.accepted_value = sum(row.accepted_value for row in rows)
    order.accepted_value += receipt.accepted_value
    order.updated_at = now
    session.add(receipt)
    session.add_all(rows)
    session.flush()
    uow.emit("goods_received", {
        "receipt_id": receipt.id, "number": receipt.number, "order_id": order.id,
        "order_number": order.number, "supplier_id": order.supplier_id,
        "currency": order.currency, "received_on": receipt.received_on,
        "expected_on": order.expected_on, "on_time": receipt.on_time,
        "accepted_value": receipt.accepted_value, "lines": event_lines,
        "recorded_by": principal.user_id, "recorded_at": now})
    metrics.goods_received(receipt.on_time)
    target = statuses.after_receipt(order_lines)
    if target != order.status:
        moves.move(uow, principal, order, target, None, now)
        if target == statuses.RECEIVED:
            moves.complete_contract(uow, principal, order.contract_id)
    return _dump(session, [receipt])[0]


def _dump(session, receipts):
    ids = [receipt.id for receipt in receipts]
    lines = {}
    if ids:
        for row in session.scalars(   # in the order's line order
                select(GoodsReceiptLine).join(PurchaseOrderLine,
                                              PurchaseOrderLine.id == GoodsReceiptLine.order_line_id)
                .where(GoodsReceiptLine.receipt_id.in_(ids)).order_by(PurchaseOrderLine.position)):
            lines.setdefault(row.receipt_id, []).append(columns(row))
    return [RECEIPT.dump({**columns(receipt), "lines": lines.get(receipt.id, [])})
            for receipt in receipts]


def list_receipts(session, principal, order_id, query=None):
    filters = load(schemas.GoodsReceiptQuery, query or {})
    order = scopes.one(session, principal, order_id)
    statement = select(GoodsReceipt).where(GoodsReceipt.order_id == order.id)
    return pagination.oldest_first(session, statement, GoodsReceipt, GoodsReceipt.recorded_at,
                                   filters, f"receipts:{order.id}",
                                   lambda receipt: _dump(session, [receipt])[0])
