"""This service's live targets, for reporting's reconciliation of target attainment (admin /
system only): pages keyed by target id, stamped with the event sequence read before the rows
(the chassis's reconcile_page)."""
from sqlalchemy import select

from services.chassis.pagination import reconcile_page
from services.sales.targets.handlers import attainment
from services.sales.targets.models import SalesTarget

SCOPE = "reconcile:targets"


def _facts(session, rows):
    items = []
    for row in rows:
        above = attainment.parent(session, row)
        items.append({"id": row.id, "period_kind": row.period_kind,
                      "period_start": row.period_start.isoformat(),
                      "period_end": row.period_end.isoformat(), "scope": row.scope,
                      "scope_value": row.scope_value or None, "measure": row.measure,
                      "amount": str(row.amount), "currency": row.currency,
                      "parent_id": above.id if above else None})
    return items


def target_facts(session, cursor=None, limit=500):
    return reconcile_page(session, select(SalesTarget), SalesTarget.id, cursor, limit, SCOPE,
                          _facts)
