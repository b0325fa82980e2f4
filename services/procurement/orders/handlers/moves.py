"""Moving a purchase order (orders/statuses.py): a person sends, cancels or closes it
(`change_status`: an illegal move is a 409 naming the possible ones; cancelling, and closing
an order short, need a reason); receipts move it too (handlers/receipts.py). Every move is a
purchase_order_status_changed. A cancellation gives its quantities back to the contract's
lines (they may be ordered again). Once every line of a contract is ordered in full and every
order of it is received, closed or cancelled, the contract is `completed`
(purchase_contract_status_changed)."""
from sqlalchemy import select

from services.chassis.errors import Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.procurement import metrics
from services.procurement.orders import contract_statuses, schemas, scopes, statuses
from services.procurement.orders.handlers.record import dump, lines_of, status_changed
from services.procurement.orders.models import (PurchaseContract, PurchaseContractLine,
                                                PurchaseOrder)


def move(uow, principal, order, target, reason, now=None):
    """Set the order's status and publish the move (the caller checked it is allowed)."""
    now, previous = now or utcnow(), order.status
    order.status, order.updated_at = target, now
    if target == statuses.SENT:
        order.sent_at = now
    if target in (statuses.CLOSED, statuses.CANCELLED):
        order.finished_at, order.status_reason = now, reason
    uow.session.flush()
    uow.emit("purchase_order_status_changed",
             status_changed(order, previous, principal.user_id, now, reason))
    metrics.order_moved(target)


def change_status(uow, principal, order_id, data):
    fields, session = load(schemas.PurchaseOrderStatusChange, data), uow.session
    order = scopes.one(session, principal, order_id, for_write=True)
    target, reason = fields["status"], fields.get("reason")
    statuses.refuse_move(order, target)
    if statuses.needs_reason(order.status, target) and not reason:
        raise Invalid("The request is not valid.", {"reason": [
            f"Say why the order is {target}" + (" before everything came." if target ==
                                                statuses.CLOSED else ".")]})
    if target == statuses.CANCELLED:
        _release(session, order)
    move(uow, principal, order, target, reason)
    if target == statuses.CLOSED:
        complete_contract(uow, principal, order.contract_id)
    return dump(session, order)


def _release(session, order):
    """A cancelled order's quantities go back to its contract's lines."""
    lines = lines_of(session, [order.id]).get(order.id, [])
    contract_lines = {line.id: line for line in session.scalars(
        select(PurchaseContractLine).where(PurchaseContractLine.contract_id == order.contract_id)
        .with_for_update())}
    for line in lines:
        contract_lines[line.contract_line_id].ordered_quantity -= line.quantity


def complete_contract(uow, principal, contract_id):
    """The contract → completed when all of it is ordered and every order of it is done."""
    session = uow.session
    contract = session.scalar(select(PurchaseContract).where(PurchaseContract.id == contract_id)
                              .with_for_update())
    if contract is None or contract.status != contract_statuses.ACTIVE:
        return
    open_orders = session.scalar(select(PurchaseOrder.id).where(
        PurchaseOrder.contract_id == contract.id,
        PurchaseOrder.status.not_in(statuses.FINISHED + (statuses.CANCELLED,))).limit(1))
    left_to_order = session.scalar(select(PurchaseContractLine.id).where(
        PurchaseContractLine.contract_id == contract.id,
        PurchaseContractLine.ordered_quantity < PurchaseContractLine.quantity).limit(1))
    if open_orders is not None or left_to_order is not None:
        return
    now = utcnow()
    contract.status, contract.updated_at = contract_statuses.COMPLETED, now
    session.flush()
    uow.emit("purchase_contract_status_changed", {
        "contract_id": contract.id, "number": contract.number,
        "from_status": contract_statuses.ACTIVE, "to_status": contract_statuses.COMPLETED,
        "changed_by": principal.user_id, "changed_at": now})
