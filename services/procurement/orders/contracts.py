"""Purchase contracts' use cases (issue 14): make one from a request's chosen quotation — the
request approved (409), its quotation chosen (409 otherwise), one contract per request (again:
409 naming it), the supplier still active (409) — numbered "PC-<year>-NNNNN" without gaps
(services/chassis/numbering.py), its lines the request's (item, unit, category) at the offer's
quantity and price, payment terms from the supplier unless given, the delivery date the offer
promised; read one, list (supplier, request, status; newest first); cancel an active contract
no order is placed under (409 otherwise). Reads follow the request's scope (requests/scopes.py).
Orders (another area) mark a contract completed and count what is ordered of each line."""
from decimal import Decimal

from sqlalchemy import func, select

from services.chassis import pagination
from services.chassis.errors import Conflict, NotFound
from services.chassis.models import utcnow
from services.chassis.numbering import next_number
from services.chassis.validation import load
from services.procurement import metrics
from services.procurement.orders import contract_schemas as schemas, contract_statuses as statuses
from services.procurement.orders.models import (DocumentCounter, PurchaseContract,
                                                PurchaseContractLine, PurchaseOrder)
from services.procurement.requests import scopes as request_scopes, statuses as request_statuses
from services.procurement.requests.handlers.record import lines_of, new_id
from services.procurement.requests.models import PurchaseRequest
from services.procurement.sourcing.handlers.asking import require_active
from services.procurement.sourcing.handlers.record import chosen_of, lines_by_quotation
from services.procurement.suppliers.record import one as supplier_one

CONTRACT = schemas.PurchaseContract()
NOTHING_ORDERED = Decimal("0.000")          # as the column reads back: the same answer twice
LINE_FIELDS = ("id", "position", "request_line_id", "item", "unit", "category", "quantity",
               "unit_price", "line_total")


def _columns(row):
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def dump_many(session, contracts):
    ids = [contract.id for contract in contracts]
    rows = session.scalars(select(PurchaseContractLine)
                           .where(PurchaseContractLine.contract_id.in_(ids))
                           .order_by(PurchaseContractLine.contract_id,
                                     PurchaseContractLine.position)).all() if ids else []
    lines = {}
    for row in rows:
        lines.setdefault(row.contract_id, []).append(_columns(row))
    return [CONTRACT.dump({**_columns(contract), "lines": lines.get(contract.id, [])})
            for contract in contracts]


def _visible(principal):
    return (select(PurchaseContract)
            .join(PurchaseRequest, PurchaseRequest.id == PurchaseContract.request_id)
            .where(request_scopes.condition(principal)))


def one(session, principal, contract_id, for_write=False):
    if not isinstance(contract_id, str) or len(contract_id) > 36:
        raise NotFound(f"No purchase contract {contract_id}.", {"id": str(contract_id)[:36]})
    query = _visible(principal).where(PurchaseContract.id == contract_id)
    if for_write:
        query = query.with_for_update(of=PurchaseContract)
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"No purchase contract {contract_id}.", {"id": contract_id})
    return found


def _chosen(session, request):
    existing = session.scalar(select(PurchaseContract.id)
                              .where(PurchaseContract.request_id == request.id))
    if existing:
        raise Conflict(f"Purchase request {request.id} already has its contract.",
                       {"id": existing})
    quotation = chosen_of(session, request.id)
    if quotation is None:
        raise Conflict(f"Purchase request {request.id} has no quotation chosen: choose an "
                       f"offer first.", {"id": request.id})
    return quotation


def _lines(session, contract, request, quotation):
    offered = {row.request_line_id: row for row in
               lines_by_quotation(session, [quotation.id]).get(quotation.id, [])}
    lines = []
    for line in lines_of(session, request.id):
        offer = offered[line.id]
        lines.append(PurchaseContractLine(
            id=new_id(), contract_id=contract.id, position=line.position,
            request_line_id=line.id, item=line.item, unit=line.unit, category=line.category,
            quantity=offer.quantity, unit_price=offer.unit_price, line_total=offer.line_total,
            ordered_quantity=NOTHING_ORDERED))
    return lines


def create_contract(uow, principal, data):
    fields, session = load(schemas.PurchaseContractCreate, data), uow.session
    request = request_scopes.one(session, principal, fields["request_id"], for_write=True)
    request_statuses.require_orderable(request)
    quotation = _chosen(session, request)
    supplier = supplier_one(session, quotation.supplier_id)
    require_active(supplier)
    now = utcnow()
    terms_days = fields.get("payment_terms_days")
    contract = PurchaseContract(
        id=new_id(), number=next_number(session, DocumentCounter, "PC", now.year),
        request_id=request.id, quotation_id=quotation.id, supplier_id=supplier.id,
        currency=quotation.currency, total=quotation.total,
        payment_terms_days=supplier.payment_terms_days if terms_days is None else terms_days,
        delivery_date=quotation.delivery_date, terms=fields.get("terms"),
        status=statuses.ACTIVE, created_by=principal.user_id, created_at=now, updated_at=now)
    lines = _lines(session, contract, request, quotation)
    session.add(contract)
    session.add_all(lines)
    session.flush()
    uow.emit("purchase_contract_created", {
        **{name: getattr(contract, name) for name in (
            "id", "number", "request_id", "quotation_id", "supplier_id", "currency", "total",
            "payment_terms_days", "delivery_date", "created_by", "created_at")},
        "lines": [{name: getattr(line, name) for name in LINE_FIELDS} for line in lines]})
    metrics.contract_changed("created")
    return dump_many(session, [contract])[0]


def get_contract(session, principal, contract_id):
    return dump_many(session, [one(session, principal, contract_id)])[0]


def list_contracts(session, principal, query=None):
    filters = load(schemas.PurchaseContractQuery, query or {})
    statement = _visible(principal)
    for name in ("supplier_id", "request_id", "status"):
        if filters.get(name):
            statement = statement.where(getattr(PurchaseContract, name) == filters[name])
    scope = "purchase-contracts:" + ",".join(f"{name}={filters.get(name) or ''}" for name in (
        "supplier_id", "request_id", "status"))
    return pagination.newest_first(session, statement, PurchaseContract, filters, scope,
                                   dump_many)


def cancel_contract(uow, principal, contract_id):
    session = uow.session
    contract = one(session, principal, contract_id, for_write=True)
    statuses.refuse(contract, "cancelling it", statuses.CANCELLABLE)
    orders = session.scalar(select(func.count()).select_from(PurchaseOrder)
                            .where(PurchaseOrder.contract_id == contract.id))
    if orders:
        raise Conflict(f"Purchase contract {contract.number} has {orders} order(s) placed "
                       f"under it: cancel those instead.", {"id": contract.id})
    now, previous = utcnow(), contract.status
    contract.status, contract.updated_at = statuses.CANCELLED, now
    session.flush()
    uow.emit("purchase_contract_status_changed", {
        "contract_id": contract.id, "number": contract.number, "from_status": previous,
        "to_status": contract.status, "changed_by": principal.user_id, "changed_at": now})
    metrics.contract_changed(statuses.CANCELLED)
    return dump_many(session, [contract])[0]
