"""The procurement reports — spend, open commitments, approval cycle time, supplier scorecards,
on-time delivery — for managers and buyers (admin too). Procurement has no record scopes on
these (buyers and managers see the whole supplier book), so neither have the reports.

Dates: a receipt counts on its `received_on` (a calendar date as recorded: no time zone to
convert); a decision on its instant, dated in the caller's `tz`."""
from datetime import datetime, timezone

from sqlalchemy import select

from services.chassis.validation import load
from services.reporting import periods, scoping
from services.reporting.domains.procurement import figures, schemas
from services.reporting.domains.procurement.models import (ApprovalFact, EvaluationFact,
                                                           OrderFact, ReceiptFact,
                                                           ReceiptLineFact, SupplierFact)

LINE_COLUMNS = ("supplier_id", "currency", "category", "received_on", "accepted_value")
RECEIPT_COLUMNS = ("order_id", "supplier_id", "currency", "received_on", "on_time",
                   "accepted_value")


# --- the facts, as figures.py and the reconcile read them -------------------------------------
def receipt_lines(session, where=()):
    return [{"receipt_id": fact.receipt_id, "order_line_id": fact.order_line_id,
             **{name: getattr(fact, name) for name in LINE_COLUMNS}}
            for fact in session.scalars(select(ReceiptLineFact).where(*where))]


def receipts(session, where=()):
    return [{"receipt_id": fact.id, **{name: getattr(fact, name) for name in RECEIPT_COLUMNS}}
            for fact in session.scalars(select(ReceiptFact).where(*where))]


def orders(session, where=()):
    """Every order whose status we know. Accepted so far: the latest status change's figure, or
    the sum of the receipts we have, whichever is more — a receipt that leaves the status as it
    was (a second partial delivery) moves no status, and accepted value only grows."""
    received = _sums(session, where)
    return [{"order_id": fact.id, "supplier_id": fact.supplier_id, "currency": fact.currency,
             "status": fact.status, "total": fact.total,
             "accepted_value": max(fact.accepted_value, received.get(fact.id, 0))}
            for fact in session.scalars(select(OrderFact).where(*where))]


def _sums(session, where):
    found = {}
    for order_id, value in session.execute(
            select(ReceiptFact.order_id, ReceiptFact.accepted_value).where(
                ReceiptFact.order_id.in_(select(OrderFact.id).where(*where)))):
        found[order_id] = found.get(order_id, 0) + value
    return found


def approvals(session, where=()):
    """Decided requests whose submission we know."""
    return [{"request_id": fact.request_id, "outcome": fact.outcome,
             "submitted_at": fact.submitted_at, "decided_at": fact.decided_at}
            for fact in session.scalars(select(ApprovalFact).where(
                ApprovalFact.outcome.is_not(None), ApprovalFact.submitted_at.is_not(None),
                *where))]


def suppliers(session, where=()):
    return {fact.id: {"supplier_id": fact.id, "name": fact.name, "status": fact.status,
                      "score": fact.score, "flagged": fact.flagged,
                      "evaluation_id": fact.evaluation_id}
            for fact in session.scalars(select(SupplierFact).where(*where))}


def evaluations(session, where=()):
    return [{"evaluation_id": fact.id, "supplier_id": fact.supplier_id,
             "period_start": fact.period_start, "period_end": fact.period_end,
             "order_id": fact.order_id, "weighted_score": fact.weighted_score,
             "threshold": fact.threshold, "evaluated_at": fact.evaluated_at}
            for fact in session.scalars(select(EvaluationFact).where(*where).order_by(
                EvaluationFact.evaluated_at.desc(), EvaluationFact.id.desc()))]


# --- the reports --------------------------------------------------------------------------------
def _names(session, ids):
    ids = sorted({found for found in ids if found})
    return dict(session.execute(select(SupplierFact.id, SupplierFact.name)
                                .where(SupplierFact.id.in_(ids))).all()) if ids else {}


def _page(session, query, group_by, filters, rows, period=None):
    if any("supplier_id" in row for row in rows):
        found = _names(session, [row.get("supplier_id") for row in rows])
        for row in rows:
            if "supplier_id" in row:
                row["supplier_name"] = found.get(row["supplier_id"])
    start = query["offset"]
    return {"group_by": group_by, "filters": filters,
            "period": period.as_dict() if period else None, "total": len(rows),
            "rows": rows[start:start + query["limit"]]}


def _dated(period, column):
    return [column >= period.start, column <= period.end]


def _label(period, day):
    return period.label_of_day(day).isoformat()


def spend(session, principal, query, now=None):
    query = load(schemas.SpendQuery, query or {})
    group_by, period = query["group_by"], periods.period(query, now=now)
    filters, where = scoping.filters(ReceiptLineFact, query, schemas.SPEND_FILTERS)
    lines = receipt_lines(session, where + _dated(period, ReceiptLineFact.received_on))
    dimensions = [name for name in group_by if name != "period"]
    names = (["period"] if "period" in group_by else []) + dimensions + ["currency"]

    def key(line):
        return ((_label(period, line["received_on"]),) if "period" in group_by else ()) + tuple(
            line[name] for name in dimensions) + (line["currency"],)
    rows = [{**dict(zip(names, values)),
             "spend": figures.money(sum(line["accepted_value"] for line in members)),
             "receipts": len({line["receipt_id"] for line in members})}
            for values, members in figures.grouped(lines, key).items()]
    rows.sort(key=scoping.sort_key(dimensions + ["currency"]))
    return _page(session, query, group_by, filters, rows, period)


def commitments(session, principal, query, now=None):
    query = load(schemas.CommitmentsQuery, query or {})
    filters, where = scoping.filters(OrderFact, query, ("supplier_id", "currency"))
    found = [order for order in orders(session, where + [
        OrderFact.status.in_(figures.OPEN_STATUSES)])]
    rows = [{"supplier_id": supplier_id, "currency": currency, "orders": len(members),
             "total": figures.money(sum(o["total"] for o in members)),
             "accepted_value": figures.money(sum(o["accepted_value"] for o in members)),
             "committed": figures.money(sum(figures.commitment(
                 o["status"], o["total"], o["accepted_value"]) for o in members))}
            for (supplier_id, currency), members in figures.grouped(
                found, lambda o: (o["supplier_id"], o["currency"])).items()]
    rows.sort(key=scoping.sort_key(["supplier_id", "currency"]))
    return _page(session, query, ["supplier_id", "currency"], filters, rows)


def approval_cycle(session, principal, query, now=None):
    query = load(schemas.ApprovalsQuery, query or {})
    period = periods.period(query, now=now)
    first, last = period.utc_bounds()
    decided = approvals(session, [
        ApprovalFact.decided_at >= datetime.fromtimestamp(first, timezone.utc),
        ApprovalFact.decided_at < datetime.fromtimestamp(last, timezone.utc)])
    by_period = figures.grouped(decided, lambda r: _label(
        period, r["decided_at"].astimezone(period.zone).date()))
    rows = [{"period": label, **cycles(members)} for label, members in by_period.items()]
    rows.sort(key=lambda row: row["period"])
    return _page(session, query, ["period"], {}, rows, period)


def cycles(requests):
    """{approved: cycle, rejected: cycle} of decided requests."""
    return {outcome: figures.cycle(figures.cycle_seconds(r["submitted_at"], r["decided_at"])
                                   for r in requests if r["outcome"] == outcome)
            for outcome in ("approved", "rejected")}


def on_time(session, principal, query, now=None):
    query = load(schemas.OnTimeQuery, query or {})
    group_by, period = query["group_by"], periods.period(query, now=now)
    filters, where = scoping.filters(ReceiptFact, query, ("supplier_id",))
    found = receipts(session, where + _dated(period, ReceiptFact.received_on))
    names = (["period"] if "period" in group_by else []) + (
        ["supplier_id"] if "supplier_id" in group_by else [])

    def key(receipt):
        return ((_label(period, receipt["received_on"]),) if "period" in group_by else ()) + (
            (receipt["supplier_id"],) if "supplier_id" in group_by else ())
    rows = [{**dict(zip(names, values)), **figures.punctuality(members)}
            for values, members in figures.grouped(found, key).items()]
    rows.sort(key=scoping.sort_key([name for name in names if name != "period"]))
    return _page(session, query, group_by, filters, rows, period)


def scorecard_rows(session, where=()):
    """Per supplier: name, status, current score, flagged, evaluations (newest first, the current
    one marked), receipts, on time, on-time rate, spend per currency — all time."""
    book = suppliers(session, [SupplierFact.id.in_(where)] if where else ())
    history = figures.grouped(evaluations(session, [EvaluationFact.supplier_id.in_(where)]
                                          if where else ()), lambda e: e["supplier_id"])
    delivered = figures.grouped(receipts(session, [ReceiptFact.supplier_id.in_(where)]
                                         if where else ()), lambda r: r["supplier_id"])
    ids = set(book) | set(history) | set(delivered)
    rows = []
    for supplier_id in sorted(ids):
        known = book.get(supplier_id, {"name": None, "status": None, "score": None,
                                       "flagged": False, "evaluation_id": None})
        mine = delivered.get(supplier_id, [])
        spent = figures.grouped(mine, lambda r: r["currency"])
        rows.append({
            "supplier_id": supplier_id, "name": known["name"], "status": known["status"],
            "score": None if known["score"] is None else figures.money(known["score"]),
            "flagged": known["flagged"],
            "evaluations": [{**_evaluation(e), "current": e["evaluation_id"] == known[
                "evaluation_id"]} for e in history.get(supplier_id, [])],
            **{name: value for name, value in figures.punctuality(mine).items()
               if name != "late"},
            "spend": [{"currency": currency, "amount": figures.money(
                sum(r["accepted_value"] for r in members))}
                for currency, members in sorted(spent.items())]})
    return rows


def _evaluation(found):
    return {"evaluation_id": found["evaluation_id"],
            "period_start": _iso(found["period_start"]), "period_end": _iso(found["period_end"]),
            "order_id": found["order_id"], "weighted_score": figures.money(found["weighted_score"]),
            "threshold": figures.money(found["threshold"]),
            "evaluated_at": _iso(found["evaluated_at"])}


def _iso(value):
    return None if value is None else value.isoformat()


def scorecards(session, principal, query, now=None):
    query = load(schemas.ScorecardsQuery, query or {})
    filters = {name: query[name] for name in ("supplier_id", "status") if name in query}
    rows = scorecard_rows(session, filters.get("supplier_id", ()))
    if "status" in filters:
        rows = [row for row in rows if row["status"] in filters["status"]]
    start = query["offset"]
    return {"group_by": ["supplier_id"], "filters": filters, "period": None,
            "total": len(rows), "rows": rows[start:start + query["limit"]]}
