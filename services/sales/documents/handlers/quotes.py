"""Quotes: made from a deal the caller can see (its lines copied, or lines given), numbered
without gaps per year (Q-2026-00001), valid until a date; draft → sent → accepted | rejected,
or expired when valid_until passes while sent (the timer, expire_quotes). Only drafts change.

Sending a quote does not move the deal (the pipeline is the rep's to move); it makes the
follow-up task (follow_ups.on_quote_sent) in the same transaction.
"""
import uuid
from datetime import timedelta

from sqlalchemy import delete, select

from services.chassis import pagination
from services.chassis.errors import Conflict, Invalid
from services.chassis.models import utcnow
from services.chassis.periodic import claim, mark_each
from services.chassis.validation import load
from services.sales import scopes, settings
from services.sales.deals.handlers import deals, lines
from services.sales.deals.models import Deal
from services.sales.documents import schemas
from services.sales.documents.handlers import numbering
from services.sales.documents.models import Quote, QuoteLine
from services.sales.tasks.handlers import follow_ups

LINE_FIELDS = ("position", "product_id", "product_name", "quantity", "unit_price",
               "discount_percent", "total")
RECORD_FIELDS = ("id", "number", "deal_id", "customer_id", "owner_id", "status", "total",
                 "currency", "valid_until", "sent_at", "decided_at", "created_by", "created_at",
                 "updated_at")
QUOTE_SCHEMA = schemas.Quote(many=True)
# from → the statuses it may go to
TRANSITIONS = {"draft": ("sent",), "sent": ("accepted", "rejected", "expired")}
EVENT_OF = {"sent": "quote_sent", "accepted": "quote_accepted", "rejected": "quote_rejected",
            "expired": "quote_expired"}


def today():
    return utcnow().date()


def validity():
    return timedelta(days=settings.quote_validity_days())


def is_expired(quote, on):
    return quote.status == "expired" or (quote.status == "sent" and quote.valid_until < on)


# --- reading ------------------------------------------------------------------------------

def lines_of(session, quote_ids):
    found = {quote_id: [] for quote_id in quote_ids}
    if quote_ids:
        for line in session.scalars(select(QuoteLine)
                                    .where(QuoteLine.quote_id.in_(list(quote_ids)))
                                    .order_by(QuoteLine.quote_id, QuoteLine.position)):
            found[line.quote_id].append({name: getattr(line, name) for name in LINE_FIELDS})
    return found


def record(quote, quote_lines):
    return {**{name: getattr(quote, name) for name in RECORD_FIELDS}, "lines": quote_lines}


def dump_many(session, quotes):
    all_lines = lines_of(session, [quote.id for quote in quotes])
    return QUOTE_SCHEMA.dump([record(quote, all_lines[quote.id]) for quote in quotes])


def get_quote(session, principal, quote_id):
    return dump_many(session, [scopes.one(session, principal, Quote, quote_id)])[0]


FILTERS = ("deal_id", "customer_id", "status")


def list_quotes(session, principal, query=None):
    filters = load(schemas.QuoteQuery, query or {})
    statement = select(Quote).where(scopes.condition(session, principal, Quote.owner_id))
    for name in FILTERS:
        if filters.get(name) is not None:
            statement = statement.where(getattr(Quote, name) == filters[name])
    scope = "quotes:" + ":".join(str(filters.get(name)) for name in FILTERS)
    return pagination.newest_first(session, statement, Quote, filters, scope, dump_many)


# --- changing -----------------------------------------------------------------------------

def _emit(uow, quote, name, actor, at):
    payload = {**record(quote, lines_of(uow.session, [quote.id])[quote.id]),
               "changed_by": actor, "changed_at": at}
    uow.emit(name, payload)
    return payload


def _valid_until(data, default):
    valid_until = data.get("valid_until") or default
    if valid_until < today():
        raise Invalid("The request is not valid.", {"valid_until": ["Must not be in the past."]})
    return valid_until


def _set_lines(session, quote, given, deal):
    """The given lines (resolved like a deal's, in the deal's currency) or the deal's own."""
    if given:
        resolved = [{"position": position, **line} for position, line in
                    enumerate(lines.resolve(session, given, deal.currency), start=1)]
    else:
        resolved = deals.lines_of(session, [deal.id])[deal.id]
    if not resolved:
        raise Invalid("The request is not valid.",
                      {"lines": ["The deal has no lines; give the quote's lines."]})
    session.execute(delete(QuoteLine).where(QuoteLine.quote_id == quote.id))
    for line in resolved:
        session.add(QuoteLine(quote_id=quote.id, **{name: line[name] for name in LINE_FIELDS}))
    quote.total = sum((line["total"] for line in resolved), lines.ZERO)


def create_quote(uow, principal, deal_id, data):
    session = uow.session
    data = load(schemas.QuoteCreate, data or {})
    deal = scopes.one(session, principal, Deal, deal_id, for_write=True)
    valid_until = _valid_until(data, today() + validity())
    now = utcnow()
    quote = Quote(id=str(uuid.uuid4()), number=numbering.next_number(session, "Q", now.year),
                  deal_id=deal.id, customer_id=deal.customer_id, owner_id=deal.owner_id,
                  status="draft", currency=deal.currency, total=lines.ZERO,
                  valid_until=valid_until, created_by=principal.user_id, created_at=now,
                  updated_at=now)
    session.add(quote)
    session.flush()
    _set_lines(session, quote, data.get("lines"), deal)
    session.flush()
    _emit(uow, quote, "quote_created", principal.user_id, now)
    return get_quote(session, principal, quote.id)


def update_quote(uow, principal, quote_id, data):
    session = uow.session
    data = load(schemas.QuoteUpdate, data or {})
    quote = scopes.one(session, principal, Quote, quote_id, for_write=True)
    if quote.status != "draft":
        raise Conflict(f"The quote is {quote.status}; only a draft can be changed.",
                       {"status": quote.status})
    if "valid_until" in data:
        quote.valid_until = _valid_until(data, quote.valid_until)
    if data.get("lines"):
        _set_lines(session, quote, data["lines"], session.get(Deal, quote.deal_id))
    quote.updated_at = utcnow()
    session.flush()
    return get_quote(session, principal, quote.id)


def _move(uow, principal, quote_id, to):
    session, now = uow.session, utcnow()
    quote = scopes.one(session, principal, Quote, quote_id, for_write=True)
    if to == "accepted" and is_expired(quote, now.date()):
        raise Conflict(f"The quote expired on {quote.valid_until.isoformat()}; it can no longer "
                       f"be accepted.", {"status": "expired",
                                         "valid_until": quote.valid_until.isoformat()})
    if to not in TRANSITIONS.get(quote.status, ()):
        raise Conflict(f"A {quote.status} quote cannot become {to}.",
                       {"status": quote.status, "to": to})
    quote.status, quote.updated_at = to, now
    if to == "sent":
        quote.sent_at = now
    else:
        quote.decided_at = now
    session.flush()
    payload = _emit(uow, quote, EVENT_OF[to], principal.user_id, now)
    if to == "sent":
        follow_ups.on_quote_sent(uow, payload, principal.user_id)
    return get_quote(session, principal, quote.id)


def send_quote(uow, principal, quote_id):
    return _move(uow, principal, quote_id, "sent")


def accept_quote(uow, principal, quote_id):
    return _move(uow, principal, quote_id, "accepted")


def reject_quote(uow, principal, quote_id):
    return _move(uow, principal, quote_id, "rejected")


# --- expiry (a timer) ---------------------------------------------------------------------

def expire_quote(uow, quote_id, on):
    """True if this call expired the quote (and emitted quote_expired); False if it was decided
    meanwhile or another process got there first (the conditional UPDATE matched nothing)."""
    session, now = uow.session, utcnow()
    if not claim(session, Quote, Quote.id == quote_id, Quote.status == "sent",
                 Quote.valid_until < on, status="expired", decided_at=now, updated_at=now):
        return False
    quote = session.scalar(select(Quote).where(Quote.id == quote_id)
                           .execution_options(populate_existing=True))
    _emit(uow, quote, "quote_expired", "system", now)
    return True


def expire_quotes(db, on=None):
    """Expire every sent quote whose valid_until is before `on` (default today, UTC)."""
    on = on or today()

    def find(session):
        return session.scalars(select(Quote.id).where(Quote.status == "sent",
                                                      Quote.valid_until < on))
    return mark_each(db, find, lambda uow, quote_id: expire_quote(uow, quote_id, on),
                     "quote(s) expired")
