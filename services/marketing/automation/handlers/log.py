"""A rule's runs, newest first (paginated), with their outcome and why."""
from datetime import datetime

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.validation import load
from services.marketing.automation import schemas
from services.marketing.automation.handlers.rules import get
from services.marketing.automation.models import AutomationRun

RUNS = schemas.AutomationRun(many=True)


def list_runs(session, principal, rule_id, query=None):
    filters = load(schemas.AutomationRunQuery, query or {})
    get(session, rule_id)
    R = AutomationRun
    statement = select(R).where(R.rule_id == rule_id)
    if filters.get("outcome"):
        statement = statement.where(R.outcome == filters["outcome"])
    size = pagination.page_size(filters.get("limit"))
    scope = f"automation-runs:{rule_id}:{filters.get('outcome')}"
    if filters.get("cursor"):
        at, last_id = pagination.decode_cursor(filters["cursor"], scope)
        statement = statement.where(pagination.after(
            R.created_at, R.id, pagination.from_json(at, datetime), last_id, descending=True))
    rows = list(session.scalars(statement.order_by(
        *pagination.order_by(R.created_at, R.id, descending=True)).limit(size + 1)))
    more, rows = len(rows) > size, rows[:size]
    cursor = pagination.encode_cursor([rows[-1].created_at.isoformat(), rows[-1].id], scope) \
        if more else None
    return {"items": RUNS.dump(rows), "next_cursor": cursor}
