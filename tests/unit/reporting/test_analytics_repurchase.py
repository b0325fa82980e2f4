"""Repurchase rate and customer lifetime value on the hand-checked base
(analytics_support.BASE), as of 2025-12-31.

Repurchase per quarter of 2025: Q1 buyers c1, c2, c3, c4, none bought before → 4 / 0; Q2 c1,
c3, both bought in Q1 → 2 / 2; Q3 c1, c2 → 2 / 2; Q4 c1, c2, c7 (first bought 1 Dec) → 3 / 2.

Lifetime value over 6 months: window Jul–Dec 2025, previous Jan–Jun. EUR: c1 3 orders (3,000),
c2 2 (1,000) → 2 customers, 5 orders, AOV 800, frequency 5 / 2 × 12 / 6 = 5 a year; of the
previous window's 4 EUR buyers (c1–c4) c1 and c2 came back → retention 0.5, lifespan
0.5 / (1 − 0.5) = 1 year → CLV 800 × 5 × 1 = 4,000. USD: c7 alone, no previous buyer → no
retention, no CLV."""
import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Invalid
from services.reporting.domains.analytics.value.lifetime import lifetime_value
from services.reporting.domains.analytics.value.repurchase import repurchase
from tests.unit.reporting.analytics_support import load_base

ADMIN = Principal("u-admin", "admin")
REP_A = Principal("u-a", "sales_rep", team_id="t1")
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture
def base(db, customers, sales):
    load_base(db, customers, sales)


def run(db, report, principal, **query):
    with db.read_only() as session:
        return report(session, principal, query)


def figures(rows, *names):
    return {tuple(row[name] for name in names): (row["buyers"], row["repeat_buyers"],
                                                 row["repurchase_rate"]) for row in rows}


def test_repurchase_rate_per_quarter_and_its_cuts(db, base):
    report = run(db, repurchase, ADMIN, granularity="quarter", **YEAR)
    assert figures(report["totals"], "period") == {
        ("2025-01-01",): (4, 0, 0.0), ("2025-04-01",): (2, 2, 1.0),
        ("2025-07-01",): (2, 2, 1.0), ("2025-10-01",): (3, 2, 0.6667)}
    regions = run(db, repurchase, ADMIN, granularity="quarter", group_by=["region"], **YEAR)
    by_region = figures(regions["rows"], "period", "region")
    assert by_region[("2025-01-01", "North")] == (2, 0, 0.0)
    assert by_region[("2025-10-01", "North")] == (3, 2, 0.6667)
    for total in regions["totals"]:           # each customer has one region: the rows sum
        rows = [row for row in regions["rows"] if row["period"] == total["period"]]
        assert (sum(r["buyers"] for r in rows), sum(r["repeat_buyers"] for r in rows)) == (
            total["buyers"], total["repeat_buyers"])
    products = figures(run(db, repurchase, ADMIN, granularity="quarter", group_by=["product_id"],
                           **YEAR)["rows"], "period", "product_id")
    assert products[("2025-07-01", "p2")] == (1, 0, 0.0)   # c2's first p2, though not its first buy
    assert products[("2025-10-01", "p2")] == (1, 1, 1.0)
    assert products[("2025-10-01", "p3")] == (1, 0, 0.0)


def test_repurchase_is_scoped_and_months_count_their_own_days(db, base):
    mine = run(db, repurchase, REP_A, granularity="quarter", **YEAR)
    assert figures(mine["totals"], "period")[("2025-10-01",)] == (2, 2, 1.0)
    december = run(db, repurchase, ADMIN, **{"from": "2025-12-01", "to": "2025-12-31"})
    assert figures(december["totals"], "period") == {("2025-12-01",): (2, 1, 0.5)}


def test_lifetime_value_formula_and_reconciled_groups(db, base):
    report = run(db, lifetime_value, ADMIN, as_of="2025-12-31", months=6)
    totals = {row["currency"]: row for row in report["totals"]}
    assert {key: totals["EUR"][key] for key in (
        "customers", "orders", "revenue", "average_order_value", "purchase_frequency",
        "retention", "expected_lifespan_years", "lifetime_value")} == {
        "customers": 2, "orders": 5, "revenue": "4000.00", "average_order_value": "800.00",
        "purchase_frequency": 5.0, "retention": 0.5, "expected_lifespan_years": 1.0,
        "lifetime_value": "4000.00"}
    assert (totals["USD"]["retention"], totals["USD"]["lifetime_value"]) == (None, None)
    classes = run(db, lifetime_value, ADMIN, as_of="2025-12-31", months=6,
                  group_by=["value_class"])
    rows = {(row["value_class"], row["currency"]): row for row in classes["rows"]}
    # class B: c1 (c3 in the previous window did not return); no class: c2 came back → capped
    assert (rows[("B", "EUR")]["lifetime_value"], rows[("B", "EUR")]["retention"]) == ("6000.00", 0.5)
    assert (rows[(None, "EUR")]["expected_lifespan_years"], rows[(None, "EUR")]["lifetime_value"]) == (
        10.0, "20000.00")
    eur = [row for row in classes["rows"] if row["currency"] == "EUR"]
    assert (sum(r["customers"] for r in eur), sum(r["orders"] for r in eur),
            sum(float(r["revenue"]) for r in eur)) == (2, 5, 4000.0)
    mine = run(db, lifetime_value, REP_A, as_of="2025-12-31", months=6)
    assert [row["currency"] for row in mine["totals"]] == ["EUR"]       # c7 is u-b's


@pytest.mark.parametrize("report, query", [
    (repurchase, {"granularity": "day"}), (repurchase, {"group_by": "owner_id"}),
    (repurchase, {"from": "2025-12-01", "to": "2025-01-01"}), (lifetime_value, {"months": 0}),
    (lifetime_value, {"group_by": "product_id"})])
def test_bad_queries_are_refused(db, report, query):
    with pytest.raises(Invalid):
        run(db, report, ADMIN, **query)
