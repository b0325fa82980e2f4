"""Bulk import of deals with their stage history (admin): a source's deals replayed as if they
had been worked live, at their business times.

Each row becomes one deal: created in its history's first (open) stage at that entry's time,
then moved through the following stages at theirs — the same history rows and the same events
(deal_created, deal_stage_changed, deal_won / deal_lost) as live moves, carrying the business
times (created_at, changed_at, closed_at), so reports count the deal in the periods it belongs
to. A row is checked completely before anything of it is written: a bad row is `rejected` with
its field errors and the others go in. `external_ref` makes a re-run harmless: a row whose
reference is known reports `already_imported` and changes nothing.

A won or lost deal needs a customer; an open one may have none (the source did not say whose
it is: it stays visible and unwinnable until a customer is set).
"""
from datetime import timedelta

from sqlalchemy import select

from services.chassis import characters
from services.chassis.errors import Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load, shared
from services.kernel.assignment import OWNER_ROLES
from services.sales.deals.handlers import deals, lines, moves, pipeline
from services.sales.imports import schemas
from services.sales.imports.models import DealImportRef
from services.sales.products.models import Product
from services.sales.users import UserCopy

FUTURE_TOLERANCE = timedelta(minutes=5)


def customer_ids(data):
    """The distinct customer ids the batch names (to be resolved by customers before the
    transaction); anything malformed is left to the row's own validation."""
    rows = data.get("rows") if isinstance(data, dict) else None
    found = set()
    for row in rows if isinstance(rows, list) else ():
        value = row.get("customer_id") if isinstance(row, dict) else None
        if _text(value) and 0 < len(value) <= 36:
            found.add(value)
    return sorted(found)


def import_deals(uow, principal, data, customers):
    """`customers`: given customer id → the id customers knows it by (a merged id's winner),
    or None when customers has no such customer."""
    batch = load(schemas.DealImport, data)
    session, now = uow.session, utcnow()
    stages = {stage.key: stage for stage in pipeline.stages(session, active_only=True)}
    refs = {row.get("external_ref") for row in batch["rows"]}
    # Held here so the per-row lookups hit the session's identity map (no query, no autoflush):
    # without it every row re-read its owner and product and flushed the rows before (3× slower).
    held = _preload(session, batch["rows"])
    known = {ref: (deal_id, at) for ref, deal_id, at in session.execute(
        select(DealImportRef.external_ref, DealImportRef.deal_id, DealImportRef.imported_at)
        .where(DealImportRef.external_ref.in_([r for r in refs if _text(r)])))}
    results = []
    for index, raw in enumerate(batch["rows"]):
        ref = raw.get("external_ref") if isinstance(raw.get("external_ref"), str) else None
        result = {"index": index, "external_ref": ref}
        results.append(result)
        if ref in known:
            result.update(status="already_imported", deal_id=known[ref][0],
                          imported_at=known[ref][1])
            continue
        try:
            row = load(schemas.DealImportRow, raw)
            plan = _plan(session, row, stages, customers, now)
        except Invalid as error:
            result.update(status="rejected", errors=error.details)
            continue
        deal = _write(uow, principal, row, plan, now)
        known[ref] = (deal.id, now)
        result.update(status="created", deal_id=deal.id, imported_at=now)
    del held
    counts = {status: sum(1 for r in results if r["status"] == status)
              for status in schemas.IMPORT_STATUSES}
    return shared(schemas.DealImportResult).dump({**counts, "results": results})


def _strings(rows, name, nested=None):
    values = set()
    for row in rows:
        items = row.get(nested) if nested else [row]
        for item in items if isinstance(items, list) else ():
            value = item.get(name) if isinstance(item, dict) else None
            if _text(value):
                values.add(value)
    return list(values)


def _text(value):
    """A string the batch's lookups may use: one with a control character (a NUL cannot even
    be compared on PostgreSQL) is left to its row's validation, which rejects that row."""
    return isinstance(value, str) and characters.problem(value) is None


def _preload(session, rows):
    """The batch's owners and products, loaded in two queries."""
    owners = session.scalars(select(UserCopy).where(UserCopy.id.in_(_strings(rows, "owner_id"))))
    products = session.scalars(select(Product).where(
        Product.id.in_(_strings(rows, "product_id", nested="lines"))))
    return list(owners) + list(products)


def _plan(session, row, stages, customers, now):
    """(customer id, resolved lines, [(stage, time)]) for a valid row, else Invalid."""
    errors, history = {}, []
    for position, entry in enumerate(row["history"]):
        stage = stages.get(entry["stage"])
        at = entry["at"] or now
        if stage is None:
            errors.setdefault("history", {})[str(position)] = {
                "stage": [f"One of: {', '.join(stages)}."]}
        elif at > now + FUTURE_TOLERANCE:
            errors.setdefault("history", {})[str(position)] = {"at": ["Is in the future."]}
        elif history and at < history[-1][1]:
            errors.setdefault("history", {})[str(position)] = {"at": ["Before the previous stage."]}
        elif history and stage.key == history[-1][0].key:
            errors.setdefault("history", {})[str(position)] = {"stage": ["Same as the previous stage."]}
        history.append((stage, at))
    if not errors:
        kinds = [stage.kind for stage, _ in history]
        if kinds[0] != "open":
            errors["history"] = ["A deal starts in an open stage."]
        elif any(kind != "open" for kind in kinds[:-1]):
            errors["history"] = ["Only the last stage may be won or lost."]
        elif kinds[-1] == "lost" and not row.get("lost_reason"):
            errors["lost_reason"] = ["Required when a deal is lost."]
        elif kinds[-1] != "open" and row["customer_id"] is None:
            errors["customer_id"] = ["A won or lost deal needs a customer."]
    customer_id = row["customer_id"]
    if customer_id is not None:
        customer_id = customers.get(customer_id)
        if customer_id is None:
            errors["customer_id"] = ["No customer has this id."]
    owner = session.get(UserCopy, row["owner_id"])
    if owner is None or not owner.active or owner.role not in OWNER_ROLES:
        errors["owner_id"] = ["Not an active sales rep, manager or admin."]
    try:
        resolved = lines.resolve(session, row["lines"], row["currency"])
    except Invalid as error:
        errors.update(error.details)
    if errors:
        raise Invalid("The row is not valid.", errors)
    return customer_id, resolved, history


def _write(uow, principal, row, plan, now):
    customer_id, resolved, history = plan
    (first, created_at), later = history[0], history[1:]
    deal = deals.new_deal(uow, principal, name=row["name"], customer_id=customer_id,
                          owner_id=row["owner_id"], currency=row["currency"],
                          expected_close_date=None, resolved_lines=resolved,
                          stage=first, at=created_at)
    deal_lines = [{"position": position, **line} for position, line in enumerate(resolved, start=1)]
    current = first
    for stage, at in later:
        reason = row.get("lost_reason") if stage.kind == "lost" else None
        moves.enter_stage(uow, principal, deal, current, stage, reason, at, deal_lines)
        current = stage
    uow.session.add(DealImportRef(external_ref=row["external_ref"], deal_id=deal.id,
                                  imported_by=principal.user_id, imported_at=now))
    return deal
