"""What the quotation use cases share: the request a write works on (locked first, so two
choices, or a choice and an offer, on one request queue instead of both passing), reading
quotations out with their lines (one query for many), and the offer as its event carries it."""
from sqlalchemy import select

from services.procurement.requests import scopes as request_scopes
from services.procurement.requests.models import PurchaseRequestLine
from services.procurement.sourcing import schemas, scopes, statuses
from services.procurement.sourcing.models import Quotation, QuotationLine

QUOTATION = schemas.Quotation()
OFFER_LINE = ("request_line_id", "quantity", "unit_price", "line_total")


def for_write(session, principal, quotation_id):
    """(the quotation, its purchase request), both locked for the rest of the transaction —
    the request first: every write of a request's quotations takes that lock in that order."""
    quotation = scopes.one(session, principal, quotation_id)
    request = request_scopes.one(session, principal, quotation.request_id, for_write=True)
    session.refresh(quotation, with_for_update=True)
    return quotation, request


def of_request(session, request_id):
    return list(session.scalars(select(Quotation).where(Quotation.request_id == request_id)
                                .order_by(Quotation.requested_at, Quotation.id)))


def chosen_of(session, request_id):
    return session.scalar(select(Quotation).where(Quotation.request_id == request_id,
                                                  Quotation.status == statuses.CHOSEN))


def lines_by_quotation(session, quotation_ids):
    """{quotation id: [QuotationLine]}, each in the order of the request's lines."""
    if not quotation_ids:
        return {}
    rows = session.scalars(
        select(QuotationLine)
        .join(PurchaseRequestLine, PurchaseRequestLine.id == QuotationLine.request_line_id)
        .where(QuotationLine.quotation_id.in_(quotation_ids))
        .order_by(QuotationLine.quotation_id, PurchaseRequestLine.position)).all()
    found = {}
    for row in rows:
        found.setdefault(row.quotation_id, []).append(row)
    return found


def offer_lines(lines):
    return [{name: getattr(line, name) for name in OFFER_LINE} for line in lines]


def dump_many(session, quotations):
    lines = lines_by_quotation(session, [quotation.id for quotation in quotations])
    return [QUOTATION.dump({**{c.key: getattr(quotation, c.key)
                               for c in Quotation.__table__.columns},
                            "reason": quotation.choice_reason,
                            "lines": offer_lines(lines.get(quotation.id, []))})
            for quotation in quotations]


def dump(session, quotation):
    return dump_many(session, [quotation])[0]
