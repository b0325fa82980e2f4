"""Recording a supplier's offer on its quotation (issue 14): in the request's currency (offers
compare in one), a delivery date, how long it is valid, and every line of the request priced
exactly once — quantity (default: the line's) × unit price, half up to cents; the total below
10^15. Any other line set is a 422 naming each problem; nothing changes. While no choice is
made an offer may be recorded again (the latest wins, `quotation_received` again); the same
offer again changes nothing and publishes nothing (a retried write applies once)."""
from sqlalchemy import delete

from services.chassis.errors import Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.procurement import metrics
from services.procurement.requests.handlers.record import (MAX_TOTAL, lines_of, line_total,
                                                           new_id)
from services.procurement.sourcing import schemas, statuses
from services.procurement.sourcing.handlers.record import (dump, for_write, lines_by_quotation,
                                                           offer_lines)
from services.procurement.sourcing.models import QuotationLine

TERMS = ("currency", "delivery_date", "valid_until", "note")


def _invalid(field, messages):
    return Invalid("The offer is not valid.", {field: messages})


def priced_lines(request_lines, offered):
    """[(request line, quantity, unit price, line total)] in the request's order, or 422."""
    by_id = {line.id: line for line in request_lines}
    seen, problems = {}, []
    for index, line in enumerate(offered):
        line_id = line["request_line_id"]
        if line_id not in by_id:
            problems.append(f"lines[{index}]: {line_id} is not a line of this request.")
        elif line_id in seen:
            problems.append(f"lines[{index}]: line {by_id[line_id].position} "
                            f"({by_id[line_id].item}) is priced twice.")
        else:
            seen[line_id] = line
    problems += [f"Line {line.position} ({line.item}) is not priced." for line in request_lines
                 if line.id not in seen]
    if problems:
        raise _invalid("lines", problems)
    priced = []
    for line in request_lines:
        quantity = seen[line.id].get("quantity") or line.quantity
        unit_price = seen[line.id]["unit_price"]
        priced.append((line, quantity, unit_price, line_total(quantity, unit_price)))
    if sum(total for *_, total in priced) >= MAX_TOTAL:
        raise _invalid("lines", ["The offer's lines add up to 10^15 or more."])
    return priced


def _unchanged(session, quotation, fields, priced):
    if quotation.status != statuses.RECEIVED:
        return False
    if any(getattr(quotation, name) != fields.get(name) for name in TERMS):
        return False
    before = offer_lines(lines_by_quotation(session, [quotation.id]).get(quotation.id, []))
    after = [{"request_line_id": line.id, "quantity": quantity, "unit_price": price,
              "line_total": total} for line, quantity, price, total in priced]
    return before == after


def record_offer(uow, principal, quotation_id, data):
    fields, session = load(schemas.OfferRecord, data), uow.session
    quotation, request = for_write(session, principal, quotation_id)
    statuses.refuse(quotation, "recording an offer", statuses.OPEN)
    if fields["currency"] != request.currency:
        raise _invalid("currency", [f"The request is in {request.currency}: offers are "
                                    f"recorded in it, so they compare."])
    fields.setdefault("valid_until", None)
    fields.setdefault("note", None)
    priced = priced_lines(lines_of(session, request.id), fields["lines"])
    if _unchanged(session, quotation, fields, priced):
        return dump(session, quotation)
    now = utcnow()
    session.execute(delete(QuotationLine).where(QuotationLine.quotation_id == quotation.id))
    for line, quantity, unit_price, total in priced:
        session.add(QuotationLine(id=new_id(), quotation_id=quotation.id,
                                  request_line_id=line.id, quantity=quantity,
                                  unit_price=unit_price, line_total=total))
    for name in TERMS:
        setattr(quotation, name, fields[name])
    quotation.total = sum(total for *_, total in priced)
    quotation.status, quotation.recorded_by = statuses.RECEIVED, principal.user_id
    quotation.received_at = quotation.updated_at = now
    session.flush()
    uow.emit("quotation_received", {
        "quotation_id": quotation.id, "request_id": request.id,
        "supplier_id": quotation.supplier_id, "currency": quotation.currency,
        "total": quotation.total, "delivery_date": quotation.delivery_date,
        "valid_until": quotation.valid_until,
        "lines": [{"request_line_id": line.id, "quantity": quantity, "unit_price": price,
                   "line_total": total} for line, quantity, price, total in priced],
        "recorded_by": principal.user_id, "recorded_at": now})
    metrics.quotation_moved(statuses.RECEIVED)
    return dump(session, quotation)
