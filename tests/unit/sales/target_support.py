"""Targets in a fixed month for the target handler tests (never today's: a test of a period
must not depend on the day it runs), and a time inside it for deals won and money received."""
from datetime import date, datetime, timezone

from services.sales.targets.handlers import targets
from tests.unit.sales.support import ADMIN, call


MONTH = date(2025, 3, 1)
IN_MONTH = datetime(2025, 3, 10, 12, tzinfo=timezone.utc)


def target(db, principal=ADMIN, scope="company", scope_value=None, amount="1000.00", **data):
    data.setdefault("period_kind", "month")
    data.setdefault("period_start", MONTH.isoformat())
    data.setdefault("measure", "won_revenue")
    data.setdefault("currency", "USD")
    return call(db, targets.set_target, principal,
                {"scope": scope, "scope_value": scope_value, "amount": amount, **data})


def read(db, target_id, principal=ADMIN):
    return call(db, targets.get_target, principal, target_id, write=False)
