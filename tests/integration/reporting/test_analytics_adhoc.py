"""The ad-hoc report RPC over reporting's database (SQLite and PostgreSQL) from the real sales
service's events: deals counted, summed and their win rate by rep and currency equal what
sales' own deal table says, within each caller's scope; a name outside the whitelist is a 422
naming the field."""
from collections import Counter
from decimal import Decimal

import pytest

from services.chassis.errors import Invalid
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.sales_support import _deals, deal_workload, sales_kpis_match
from tests.integration.reporting.support import ADMIN, REP_A, REP_B

pytestmark = pytest.mark.dialect_sensitive("joins, exact sums and distinct counts per group")
QUERY = {"measure": ["count", "amount_sum", "win_rate"], "dimension": ["rep"]}


def expected(engine, owner=None):
    """{(owner, currency): (count, amount, win rate)} from sales' own deals."""
    kinds, deals, _first = _deals(engine)
    counts, amounts, won, closed = Counter(), Counter(), Counter(), Counter()
    for deal in deals:
        if owner not in (None, deal.owner_id):
            continue
        key = (deal.owner_id, deal.currency)
        counts[key] += 1
        amounts[key] += deal.amount
        won[key] += kinds[deal.stage] == "won"
        closed[key] += kinds[deal.stage] in ("won", "lost")
    return {key: (counts[key], str(amounts[key].quantize(Decimal("0.01"))),
                  round(won[key] / closed[key], 4) if closed[key] else None) for key in counts}


def reported(report):
    return {(row["rep"], row["currency"]): (row["count"], row["amount_sum"], row["win_rate"])
            for row in report["rows"]}


def test_adhoc_deals_by_rep_match_sales_own_deals_in_each_scope(producers, databases, reporting):
    deal_workload(producers)
    wait_until(lambda: sales_kpis_match(reporting, databases), message="sales KPIs caught up")
    for principal, owner in ((ADMIN, None), (REP_A, REP_A.user_id), (REP_B, REP_B.user_id)):
        report = rpc(reporting, "analytics_adhoc", principal, QUERY)
        assert reported(report) == expected(databases["sales"], owner), principal.role
        assert report["total"] == len(report["rows"]) and report["freshness"]
    by_month = rpc(reporting, "analytics_adhoc", ADMIN, {
        "measure": ["count"], "dimension": ["period", "status"], "granularity": "year"})
    assert sum(row["count"] for row in by_month["rows"]) == len(_deals(databases["sales"])[1])
    with pytest.raises(Invalid) as refused:
        rpc(reporting, "analytics_adhoc", ADMIN, {"measure": ["cost_sum"], "dimension": ["category"]})
    assert set(refused.value.details) == {"measure", "dimension"}
