"""Reading quotations within the caller's scope (sourcing/scopes.py): one; a request's, in the
order asked; and the comparison a buyer chooses from — per quotation its total, delivery date,
validity (expired: valid_until before today, UTC) and what the supplier book says of the
supplier now (name, status, score, flagged — for those who may read the book), the lowest total
marked; per request line every offer side by side, the lowest unit price marked. "Lowest" is
among the offers on the table: received, chosen or declined (not withdrawn; ties all marked)."""
from sqlalchemy import select

from services.chassis.models import utcnow
from services.procurement import roles
from services.procurement.requests import scopes as request_scopes
from services.procurement.requests.handlers.record import lines_of
from services.procurement.sourcing import schemas, scopes, statuses
from services.procurement.sourcing.handlers.choice import expired
from services.procurement.sourcing.handlers.record import (dump, dump_many, lines_by_quotation,
                                                           of_request)
from services.procurement.suppliers.models import Supplier

COMPARISON = schemas.QuotationComparison()
NO_DETAILS = {"name": None, "status": None, "score": None, "flagged": None}


def get_quotation(session, principal, quotation_id):
    return dump(session, scopes.one(session, principal, quotation_id))


def list_quotations(session, principal, request_id):
    request = request_scopes.one(session, principal, request_id)
    return dump_many(session, of_request(session, request.id))


def _suppliers(session, principal, supplier_ids):
    if not supplier_ids or not (principal.is_admin or principal.role in roles.SUPPLIERS_READ):
        return {}
    return {supplier.id: {"name": supplier.name, "status": supplier.status,
                          "score": supplier.score, "flagged": supplier.flagged}
            for supplier in session.scalars(select(Supplier)
                                            .where(Supplier.id.in_(supplier_ids)))}


def _lowest(values):
    return min(values) if values else None


def compare_quotations(session, principal, request_id):
    request = request_scopes.one(session, principal, request_id)
    quotations = of_request(session, request.id)
    offered = [q for q in quotations if q.status in statuses.OFFERED]
    by_line = {}
    for rows in lines_by_quotation(session, [q.id for q in offered]).values():
        for row in rows:
            by_line.setdefault(row.request_line_id, []).append(row)
    suppliers = _suppliers(session, principal, sorted({q.supplier_id for q in quotations}))
    today, lowest_total = utcnow().date(), _lowest([q.total for q in offered])
    chosen = next((q.id for q in quotations if q.status == statuses.CHOSEN), None)
    compared = [{"quotation_id": q.id, "supplier_id": q.supplier_id,
                 "supplier": suppliers.get(q.supplier_id, NO_DETAILS), "status": q.status,
                 "currency": q.currency, "total": q.total, "delivery_date": q.delivery_date,
                 "valid_until": q.valid_until, "expired": expired(q, today),
                 "lowest": q in offered and q.total == lowest_total}
                for q in quotations]
    return COMPARISON.dump({"request_id": request.id, "currency": request.currency,
                            "estimated_total": request.total, "chosen_quotation_id": chosen,
                            "quotations": compared,
                            "lines": [_line(line, by_line.get(line.id, []), offered)
                                      for line in lines_of(session, request.id)]})


def _line(line, rows, offered):
    """The request line with each offer for it, in the order the quotations were asked."""
    order = {q.id: (position, q.supplier_id) for position, q in enumerate(offered)}
    rows = sorted(rows, key=lambda row: order[row.quotation_id])
    lowest = _lowest([row.unit_price for row in rows])
    return {"request_line_id": line.id, "position": line.position, "item": line.item,
            "unit": line.unit, "quantity": line.quantity,
            "estimated_unit_price": line.estimated_unit_price,
            "offers": [{"quotation_id": row.quotation_id,
                        "supplier_id": order[row.quotation_id][1], "quantity": row.quantity,
                        "unit_price": row.unit_price, "line_total": row.line_total,
                        "lowest": row.unit_price == lowest} for row in rows]}
