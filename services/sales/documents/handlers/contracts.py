"""Contracts: signed from an accepted quote or a won deal the caller can see, numbered without
gaps per year (C-2026-00001), a term (ends_on or term_months), a value (default the quote's
total / the deal's amount) and a renewal notice; contract_renewal_due once, by a timer, when
ends_on − renewal_notice_days is reached (with the renewal task, same transaction).
"""
import calendar
import uuid
from datetime import date, timedelta

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import Conflict, Invalid
from services.chassis.models import utcnow
from services.chassis.periodic import claim, mark_each
from services.chassis.validation import load
from services.sales import scopes
from services.sales.deals.handlers import pipeline
from services.sales.deals.models import Deal
from services.sales.documents import schemas
from services.sales.documents.handlers import numbering
from services.sales.documents.models import Contract, Quote
from services.sales.tasks.handlers import reminders

CONTRACT_SCHEMA = schemas.Contract(many=True)
RECORD_FIELDS = tuple(schemas.Contract().fields)
DEFAULT_NOTICE_DAYS = 30


def today():
    return utcnow().date()


def add_months(start, months):
    """The same day `months` later (the month's last day when it is shorter), minus one day:
    a 12-month term from 2026-01-15 ends on 2027-01-14."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


def renewal_date(contract):
    return contract.ends_on - timedelta(days=contract.renewal_notice_days)


def dump_many(session, contracts):
    return CONTRACT_SCHEMA.dump(contracts)


def get_contract(session, principal, contract_id):
    return dump_many(session, [scopes.one(session, principal, Contract, contract_id)])[0]


DOCUMENT_FILTERS = ("deal_id", "customer_id")


def list_documents(session, principal, model, query, dump):
    """Contracts or orders the caller may see, newest first, by deal and / or customer."""
    filters = load(schemas.DocumentQuery, query or {})
    statement = select(model).where(scopes.condition(session, principal, model.owner_id))
    for name in DOCUMENT_FILTERS:
        if filters.get(name):
            statement = statement.where(getattr(model, name) == filters[name])
    scope = f"{model.__tablename__}:" + ":".join(str(filters.get(name))
                                                 for name in DOCUMENT_FILTERS)
    return pagination.newest_first(session, statement, model, filters, scope, dump)


def list_contracts(session, principal, query=None):
    return list_documents(session, principal, Contract, query, dump_many)


def won_deal(session, principal, deal_id, what):
    """The deal, locked, if it is won; an open or lost deal is a 409 saying why."""
    deal = scopes.one(session, principal, Deal, deal_id, for_write=True)
    kind = pipeline.stage(session, deal.stage).kind
    if kind != "won":
        state = "lost" if kind == "lost" else "still open"
        raise Conflict(f"The deal is {state}; {what} needs a won deal (or an accepted quote).",
                       {"stage": deal.stage})
    return deal


def accepted_quote(session, principal, quote_id):
    quote = scopes.one(session, principal, Quote, quote_id, for_write=True)
    if quote.status != "accepted":
        raise Conflict(f"The quote is {quote.status}; only an accepted quote can be used.",
                       {"status": quote.status})
    return quote


def sign_contract(uow, principal, data):
    session = uow.session
    data = load(schemas.ContractCreate, data)
    if data.get("quote_id"):
        quote = accepted_quote(session, principal, data["quote_id"])
        deal_id, customer_id, owner_id = quote.deal_id, quote.customer_id, quote.owner_id
        currency, value, quote_id = quote.currency, quote.total, quote.id
    else:
        deal = won_deal(session, principal, data["deal_id"], "a contract")
        deal_id, customer_id, owner_id = deal.id, deal.customer_id, deal.owner_id
        currency, value, quote_id = deal.currency, deal.amount, None
    starts_on = data.get("starts_on") or today()
    ends_on = data.get("ends_on") or add_months(starts_on, data.get("term_months") or 0)
    if ends_on < starts_on:
        raise Invalid("The request is not valid.", {"ends_on": ["Must not be before starts_on."]})
    if data.get("value") is not None:
        value = data["value"]
    notice = data.get("renewal_notice_days")
    now = utcnow()
    contract = Contract(id=str(uuid.uuid4()), number=numbering.next_number(session, "C",
                                                                           starts_on.year),
                        deal_id=deal_id, quote_id=quote_id, customer_id=customer_id,
                        owner_id=owner_id, currency=currency, value=value, starts_on=starts_on,
                        ends_on=ends_on,
                        renewal_notice_days=DEFAULT_NOTICE_DAYS if notice is None else notice,
                        signed_by=principal.user_id, created_at=now, updated_at=now)
    session.add(contract)
    session.flush()
    uow.emit("contract_signed", {**{name: getattr(contract, name) for name in RECORD_FIELDS},
                                 "signed_at": now})
    return get_contract(session, principal, contract.id)


# --- renewal (a timer) --------------------------------------------------------------------

def mark_renewal_due(uow, contract_id, on):
    """True if this call marked the contract (event + renewal task); False otherwise."""
    session, now = uow.session, utcnow()
    contract = session.get(Contract, contract_id)
    if contract is None or renewal_date(contract) > on:
        return False
    if not claim(session, Contract, Contract.id == contract_id, Contract.renewal_due_at.is_(None),
                 renewal_due_at=now, updated_at=now):
        return False
    payload = {name: getattr(contract, name) for name in (
        "id", "number", "deal_id", "customer_id", "owner_id", "ends_on", "value", "currency")}
    payload["detected_at"] = now
    uow.emit("contract_renewal_due", payload)
    reminders.on_contract_renewal_due(uow, payload, "system")
    return True


def detect_renewals(db, on=None):
    """Every contract whose renewal date (ends_on − notice) is on or before `on` gets
    contract_renewal_due once; the number this call marked."""
    on = on or today()

    def find(session):
        return [contract.id for contract in session.scalars(
            select(Contract).where(Contract.renewal_due_at.is_(None)))
            if renewal_date(contract) <= on]
    return mark_each(db, find, lambda uow, contract_id: mark_renewal_due(uow, contract_id, on),
                     "contract renewal(s) due")
