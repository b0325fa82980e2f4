"""What the purchase request use cases share: reading one out with its lines and steps (in one
query each for a page), its event payload, and its lines' exact totals."""
import uuid
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from services.procurement.requests import schemas
from services.procurement.requests.models import PurchaseRequestLine, PurchaseRequestStep

REQUEST = schemas.PurchaseRequest()
CENTS = Decimal("0.01")
MAX_TOTAL = Decimal("1e15")


def new_id():
    return str(uuid.uuid4())


def line_total(quantity, unit_price):
    """quantity × unit price, half up to cents."""
    return (quantity * unit_price).quantize(CENTS, rounding=ROUND_HALF_UP)


def _columns(row):
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def _children(session, model, ids):
    rows = session.scalars(select(model).where(model.request_id.in_(ids))
                           .order_by(model.request_id, model.position)).all() if ids else []
    found = {}
    for row in rows:
        found.setdefault(row.request_id, []).append(row)
    return found


def dump_many(session, requests):
    ids = [request.id for request in requests]
    lines = _children(session, PurchaseRequestLine, ids)
    steps = _children(session, PurchaseRequestStep, ids)
    return [REQUEST.dump({**_columns(request),
                          "lines": [_columns(line) for line in lines.get(request.id, [])],
                          "steps": [_columns(step) for step in steps.get(request.id, [])]})
            for request in requests]


def dump(session, request):
    return dump_many(session, [request])[0]


def lines_of(session, request_id):
    return list(session.scalars(select(PurchaseRequestLine)
                                .where(PurchaseRequestLine.request_id == request_id)
                                .order_by(PurchaseRequestLine.position)))


def steps_of(session, request_id):
    return list(session.scalars(select(PurchaseRequestStep)
                                .where(PurchaseRequestStep.request_id == request_id)
                                .order_by(PurchaseRequestStep.position)))


def payload(session, request):
    """The request as its events carry it."""
    return {**_columns(request),
            "lines": [_columns(line) for line in lines_of(session, request.id)]}

