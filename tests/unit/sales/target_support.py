"""Targets in the current UTC month for the target handler tests."""
from datetime import date, datetime, timezone

from services.sales.targets.handlers import targets
from tests.unit.sales.support import ADMIN, call


def this_month():
    today = datetime.now(timezone.utc).date()
    return date(today.year, today.month, 1)


def target(db, principal=ADMIN, scope="company", scope_value=None, amount="1000.00", **data):
    data.setdefault("period_kind", "month")
    data.setdefault("period_start", this_month().isoformat())
    data.setdefault("measure", "won_revenue")
    data.setdefault("currency", "USD")
    return call(db, targets.set_target, principal,
                {"scope": scope, "scope_value": scope_value, "amount": amount, **data})


def read(db, target_id, principal=ADMIN):
    return call(db, targets.get_target, principal, target_id, write=False)
