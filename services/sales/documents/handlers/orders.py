"""Orders: placed from a contract, an accepted quote or a won deal the caller can see (the
quote's lines, else the deal's, copied), numbered without gaps per year (O-2026-00001);
order_placed. An open or lost deal gives no order (409). Cash invoices an order
(cash/handlers/invoices.py, order_id) through `for_invoice`.
"""
import uuid

from sqlalchemy import select

from services.chassis.errors import Conflict
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.sales import scopes
from services.sales.deals.handlers import deals, lines
from services.sales.documents import schemas
from services.sales.documents.handlers import contracts, numbering, quotes
from services.sales.documents.models import Contract, OrderLine, Quote, SalesOrder

LINE_FIELDS = quotes.LINE_FIELDS
RECORD_FIELDS = tuple(name for name in schemas.Order().fields if name != "lines")
ORDER_SCHEMA = schemas.Order(many=True)


def lines_of(session, order_ids):
    found = {order_id: [] for order_id in order_ids}
    if order_ids:
        for line in session.scalars(select(OrderLine)
                                    .where(OrderLine.order_id.in_(list(order_ids)))
                                    .order_by(OrderLine.order_id, OrderLine.position)):
            found[line.order_id].append({name: getattr(line, name) for name in LINE_FIELDS})
    return found


def record(order, order_lines):
    return {**{name: getattr(order, name) for name in RECORD_FIELDS}, "lines": order_lines}


def dump_many(session, orders):
    all_lines = lines_of(session, [order.id for order in orders])
    return ORDER_SCHEMA.dump([record(order, all_lines[order.id]) for order in orders])


def get_order(session, principal, order_id):
    return dump_many(session, [scopes.one(session, principal, SalesOrder, order_id)])[0]


def list_orders(session, principal, query=None):
    return contracts.list_documents(session, principal, SalesOrder, query, dump_many)


def _from_quote(session, quote, contract_id=None):
    return {"deal_id": quote.deal_id, "quote_id": quote.id, "contract_id": contract_id,
            "customer_id": quote.customer_id, "owner_id": quote.owner_id,
            "currency": quote.currency,
            "lines": quotes.lines_of(session, [quote.id])[quote.id]}


def _from_deal(session, deal, contract_id=None):
    return {"deal_id": deal.id, "quote_id": None, "contract_id": contract_id,
            "customer_id": deal.customer_id, "owner_id": deal.owner_id,
            "currency": deal.currency, "lines": deals.lines_of(session, [deal.id])[deal.id]}


def _source(session, principal, data):
    if data.get("contract_id"):
        contract = scopes.one(session, principal, Contract, data["contract_id"], for_write=True)
        if contract.quote_id:
            return _from_quote(session, session.get(Quote, contract.quote_id), contract.id)
        return _from_deal(session, contracts.won_deal(session, principal, contract.deal_id,
                                                      "an order"), contract.id)
    if data.get("quote_id"):
        return _from_quote(session, contracts.accepted_quote(session, principal,
                                                             data["quote_id"]))
    return _from_deal(session, contracts.won_deal(session, principal, data["deal_id"],
                                                  "an order"))


def place_order(uow, principal, data):
    session = uow.session
    data = load(schemas.OrderCreate, data)
    source = _source(session, principal, data)
    if not source["lines"]:
        raise Conflict("There is nothing to order: no lines.", {"lines": []})
    now = utcnow()
    order = SalesOrder(id=str(uuid.uuid4()), number=numbering.next_number(session, "O",
                                                                          now.year),
                       **{name: source[name] for name in ("deal_id", "quote_id", "contract_id",
                                                          "customer_id", "owner_id",
                                                          "currency")},
                       total=sum((line["total"] for line in source["lines"]), lines.ZERO),
                       placed_by=principal.user_id, created_at=now, updated_at=now)
    session.add(order)
    session.flush()
    for line in source["lines"]:
        session.add(OrderLine(order_id=order.id, **{name: line[name] for name in LINE_FIELDS}))
    session.flush()
    uow.emit("order_placed", {**record(order, source["lines"]), "placed_at": now})
    return get_order(session, principal, order.id)


def for_invoice(session, principal, order_id):
    """What cash's invoice copies from an order the caller can see (locked)."""
    order = scopes.one(session, principal, SalesOrder, order_id, for_write=True)
    return {"deal_id": order.deal_id, "order_id": order.id, "customer_id": order.customer_id,
            "owner_id": order.owner_id, "currency": order.currency, "total": order.total,
            "lines": lines_of(session, [order.id])[order.id]}
