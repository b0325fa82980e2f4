"""Opportunities: create, change, read, list, and their stage history."""
import uuid

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import Conflict
from services.chassis.models import utcnow
from services.chassis.validation import load, shared
from services.sales import scopes, users
from services.sales.deals import schemas
from services.sales.deals.events import DealRecord
from services.sales.deals.handlers import lines, pipeline, selection
from services.sales.deals.models import Deal, DealLine, DealStageChange

DEAL_SCHEMA = schemas.Deal(many=True)
RECORD_FIELDS = tuple(name for name in DealRecord().fields if name not in ("probability", "lines"))


def lines_of(session, deal_ids):
    found = {deal_id: [] for deal_id in deal_ids}
    if deal_ids:
        for line in session.scalars(select(DealLine).where(DealLine.deal_id.in_(list(deal_ids)))
                                    .order_by(DealLine.deal_id, DealLine.position)):
            found[line.deal_id].append({name: getattr(line, name) for name in (
                "position", "product_id", "product_name", "quantity", "unit_price",
                "discount_percent", "total")})
    return found


def record(session, deal, deal_lines=None, probability=None):
    """The deal as its events carry it."""
    data = {name: getattr(deal, name) for name in RECORD_FIELDS}
    data["probability"] = probability if probability is not None \
        else pipeline.stage(session, deal.stage).probability
    data["lines"] = deal_lines if deal_lines is not None else lines_of(session, [deal.id])[deal.id]
    return data


def dump_many(session, deals):
    """One query for the lines of the page, one for the stages, one schema for all: a page
    of 25 costs the same few queries as one deal (profiled: per-deal stage lookups and
    schema instances were 80% of a list's CPU)."""
    all_lines = lines_of(session, [deal.id for deal in deals])
    probability = {stage.key: stage.probability for stage in pipeline.stages(session)}
    rows = []
    for deal in deals:
        data = record(session, deal, all_lines[deal.id], probability[deal.stage])
        data["weighted_amount"] = lines.weighted(deal.amount, data["probability"])
        data["stage_changed_at"] = deal.stage_changed_at
        rows.append(data)
    return DEAL_SCHEMA.dump(rows)


def dump(session, deal):
    return dump_many(session, [deal])[0]


def new_deal(uow, principal, *, name, customer_id, owner_id, currency, expected_close_date,
             resolved_lines, lead_id=None, stage=None, at=None):
    """Store a deal in the pipeline's first open stage, with its first history entry. An import
    replaying history passes the business time `at` and may start in another open `stage`."""
    session, now = uow.session, at or utcnow()
    first = stage or pipeline.first_open_stage(session)
    deal = Deal(id=str(uuid.uuid4()), name=name, customer_id=customer_id, lead_id=lead_id,
                owner_id=owner_id, stage=first.key, currency=currency, amount=lines.ZERO,
                expected_close_date=expected_close_date, created_by=principal.user_id,
                created_at=now, updated_at=now, stage_changed_at=now)
    session.add(deal)
    session.flush()
    lines.replace_lines(session, deal, resolved_lines)
    session.add(DealStageChange(deal_id=deal.id, from_stage=None, to_stage=first.key,
                                changed_by=principal.user_id, changed_at=now))
    uow.emit("deal_created", record(session, deal))
    return deal


def create_deal(uow, principal, data, customer_id=None):
    """`customer_id`: the customer as customers resolved it (the service checks it exists and
    is visible to the caller; a merged id arrives as its winner)."""
    session = uow.session
    data = load(schemas.DealCreate, data)
    data["customer_id"] = customer_id or data["customer_id"]
    resolved = lines.resolve(session, data["lines"], data["currency"])
    # An admin's or manager's deal without an owner goes round-robin over all reps.
    owner_id, _ = users.owner_for_new_record(session, principal, data.get("owner_id"), None)
    deal = new_deal(uow, principal, name=data["name"], customer_id=data["customer_id"],
                    owner_id=owner_id, currency=data["currency"],
                    expected_close_date=data.get("expected_close_date"), resolved_lines=resolved)
    return dump(session, deal)


def get_deal(session, principal, deal_id):
    return dump(session, scopes.one(session, principal, Deal, deal_id))


def list_deals(session, principal, query=None):
    filters = load(schemas.DealQuery, query or {})
    statement = select(Deal).where(scopes.condition(session, principal, Deal.owner_id))
    for name in ("stage", "customer_id"):
        if filters.get(name) is not None:
            statement = statement.where(getattr(Deal, name) == filters[name])
    statement = selection.narrowed(statement, filters)
    scope = "deals:" + ":".join(str(filters.get(n)) for n in ("stage", "customer_id", *selection.SHARED))
    return pagination.newest_first(session, statement, Deal, filters, scope, dump_many)


def update_deal(uow, principal, deal_id, data):
    """Name, currency, close date and lines (the amount follows); a closed deal is final."""
    session = uow.session
    changes = load(schemas.DealUpdate, data, partial=True)
    deal = scopes.one(session, principal, Deal, deal_id, for_write=True)
    if pipeline.stage(session, deal.stage).kind != "open":
        raise Conflict("A closed deal cannot be changed; reopen it first.", {"stage": deal.stage})
    changed = [name for name in ("name", "currency", "expected_close_date")
               if name in changes and getattr(deal, name) != changes[name]]
    for name in changed:
        setattr(deal, name, changes[name])
    if "lines" in changes or "currency" in changed:
        current = lines_of(session, [deal.id])[deal.id]
        wanted = changes["lines"] if "lines" in changes else [
            {k: line[k] for k in ("product_id", "quantity", "unit_price", "discount_percent")}
            for line in current]
        resolved = lines.resolve(session, wanted, deal.currency)
        before = deal.amount
        lines.replace_lines(session, deal, resolved)
        changed.append("lines")
        if deal.amount != before:
            changed.append("amount")
    if changed:
        deal.updated_at = utcnow()
        uow.emit("deal_updated", {**record(session, deal), "changed": sorted(set(changed))})
    return dump(session, deal)


def stage_history(session, principal, deal_id):
    deal = scopes.one(session, principal, Deal, deal_id)
    rows = session.scalars(select(DealStageChange).where(DealStageChange.deal_id == deal.id)
                           .order_by(DealStageChange.id))
    return [shared(schemas.StageChange).dump(row) for row in rows]
