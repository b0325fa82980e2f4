"""The sales forecast RPC over reporting's database (SQLite and PostgreSQL) from the real sales
service's events: won so far in the report's current month and the calibrated stage rates
equal what sales' own deals and stage history say, within each caller's scope."""
from collections import Counter
from datetime import date, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.sales.deals.models import DealStageChange
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.sales_support import (_deals, deal_workload, sales_kpis_match)
from tests.integration.reporting.support import ADMIN, REP_A, REP_B

pytestmark = pytest.mark.dialect_sensitive("month buckets in a time zone; exact sums")


def expected(engine, today, owner=None):
    """({currency: won this month}, {stage: (won, closed)}) from sales' own tables."""
    kinds, deals, _first = _deals(engine)
    with Session(engine) as session:
        entered = session.execute(select(DealStageChange.deal_id, DealStageChange.to_stage)).all()
    status = {deal.id: kinds[deal.stage] for deal in deals if owner in (None, deal.owner_id)}
    won = Counter()
    for deal in deals:
        closed = deal.closed_at and deal.closed_at.astimezone(timezone.utc).date()
        if deal.id in status and status[deal.id] == "won" and closed.replace(day=1) == today.replace(day=1):
            won[deal.currency] += deal.amount
    rates = {}
    for deal_id, stage in set(entered):
        kind = status.get(deal_id)
        if kind in ("won", "lost") and kinds.get(stage) == "open":
            wins, closed = rates.get(stage, (0, 0))
            rates[stage] = (wins + (kind == "won"), closed + 1)
    return {currency: str(amount) for currency, amount in won.items()}, rates


def reported(report):
    won = {row["currency"]: row["periods"][0]["won_so_far"] for row in report["rows"]
           if Decimal(row["periods"][0]["won_so_far"])}
    rates = {row["stage"]: (row["won"], row["closed"]) for row in report["probabilities"]
             if row["closed"]}
    return won, rates


def test_forecast_matches_sales_own_deals_in_each_scope(producers, databases, reporting):
    deal_workload(producers)
    wait_until(lambda: sales_kpis_match(reporting, databases), message="sales KPIs caught up")
    for principal, owner in ((ADMIN, None), (REP_A, REP_A.user_id), (REP_B, REP_B.user_id)):
        report = rpc(reporting, "sales_forecast", principal, {"periods": 2})
        today = date.fromisoformat(report["today"])
        assert reported(report) == expected(databases["sales"], today, owner), principal.role
        for row in report["rows"]:
            assert [period["current"] for period in row["periods"]] == [True, False]
    rep_a = rpc(reporting, "sales_forecast", REP_A, {"group_by": ["owner_id"]})
    assert {row["owner_id"] for row in rep_a["rows"]} == {REP_A.user_id}
