"""Sales reports: funnel, win rate and revenue from the deal rollups, exact to the cent,
scoped per role like sales' own deal lists, periods in the caller's time zone."""
from datetime import timedelta

import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Invalid
from services.reporting.domains.sales.queries import deals as sales_queries
from tests.unit.reporting.support import T0, apply

ADMIN = Principal("u-admin", "admin")
MANAGER = Principal("u-manager", "manager", team_id="t1")
REP_A = Principal("u-a", "sales_rep", team_id="t1")
REP_B = Principal("u-b", "sales_rep", team_id="t1")
REP_C = Principal("u-c", "sales_rep", team_id="t2")
DAY = timedelta(days=1)
PERIOD = {"from": T0.date().isoformat(), "to": (T0 + 10 * DAY).date().isoformat()}


@pytest.fixture
def book(db, sales, identity):
    """A: won 100.10 (2 days) and won 50.05 (4 days), one open in proposal 33.33;
    B: lost 70.00, one open 10.00 in USD; C (other team): won 999.99."""
    for principal in (ADMIN, MANAGER, REP_A, REP_B, REP_C):
        apply(db, identity.user(principal.user_id, principal.role, principal.team_id))
    events = (sales.create("a1", "u-a", "100.10") + sales.move("a1", "won", T0 + 2 * DAY)
              + sales.create("a2", "u-a", "50.05") + sales.move("a2", "won", T0 + 4 * DAY)
              + sales.create("a3", "u-a", "33.33") + sales.move("a3", "proposal")
              + sales.create("b1", "u-b", "70.00") + sales.move("b1", "lost", T0 + 2 * DAY, "x")
              + sales.create("b2", "u-b", "10.00", currency="USD")
              + sales.create("c1", "u-c", "999.99") + sales.move("c1", "won", T0 + 3 * DAY))
    apply(db, *events)
    return db


def report(db, function, principal, **query):
    with db.read_only() as session:
        return getattr(sales_queries, function)(session, principal, query)


def test_the_funnel_counts_and_values_each_stage_per_currency(book):
    rows = report(book, "funnel", ADMIN)["rows"]
    assert rows == [
        {"stage": "initial_contact", "currency": "USD", "count": 1, "amount": "10.00",
         "weighted_amount": "1.00"},
        {"stage": "lost", "currency": "EUR", "count": 1, "amount": "70.00",
         "weighted_amount": "0.00"},
        {"stage": "proposal", "currency": "EUR", "count": 1, "amount": "33.33",
         "weighted_amount": "16.67"},                           # 16.665 half-up
        {"stage": "won", "currency": "EUR", "count": 3, "amount": "1150.14",
         "weighted_amount": "1150.14"}]


def test_the_open_pipeline_is_the_funnel_filtered_on_status_open(book):
    result = report(book, "funnel", MANAGER, status="open", group_by=["owner_id"])
    assert result["rows"] == [
        {"owner_id": "u-a", "owner_name": "Name u-a", "currency": "EUR", "count": 1,
         "amount": "33.33", "weighted_amount": "16.67"},
        {"owner_id": "u-b", "owner_name": "Name u-b", "currency": "USD", "count": 1,
         "amount": "10.00", "weighted_amount": "1.00"}]
    assert result["totals"]["count"] == 2


@pytest.mark.parametrize("principal, deals, closers", [
    (ADMIN, 6, {"u-a", "u-b", "u-c"}), (MANAGER, 5, {"u-a", "u-b"}), (REP_A, 3, {"u-a"}),
    (REP_B, 2, {"u-b"}), (REP_C, 1, {"u-c"})])
def test_every_report_is_scoped_like_the_deal_lists(book, principal, deals, closers):
    assert report(book, "funnel", principal)["totals"]["count"] == deals
    rows = report(book, "win_rate", principal, **PERIOD)["rows"]
    assert {row["owner_id"] for row in rows} == closers


def test_a_rep_filtering_for_another_rep_gets_nothing(book):
    assert report(book, "revenue", REP_A, owner_id="u-c", **PERIOD)["rows"] == []


def test_win_rate_is_won_over_closed_per_owner(book):
    result = report(book, "win_rate", MANAGER, granularity="total", **PERIOD)
    assert [(r["owner_id"], r["won"], r["lost"], r["win_rate"]) for r in result["rows"]] == [
        ("u-a", 2, 0, 1.0), ("u-b", 0, 1, 0.0)]
    assert result["totals"] == {"won": 2, "lost": 1, "closed": 3, "win_rate": 0.6667}


def test_revenue_average_deal_size_and_cycle_are_exact(book):
    result = report(book, "revenue", REP_A, granularity="total", **PERIOD)
    assert result["rows"] == [{
        "period": PERIOD["from"], "currency": "EUR", "won": 2, "revenue": "150.15",
        "average_deal_size": "75.08", "cycle_seconds": 6 * 86400, "average_cycle_days": 3.0}]


def test_revenue_per_day_in_a_time_zone_puts_each_win_on_its_local_day(book):
    # T0 is 10:00 UTC: in Pacific/Kiritimati (+14) the wins fall on the next local day.
    result = report(book, "revenue", ADMIN, tz="Pacific/Kiritimati", **PERIOD)
    days = [row["period"] for row in result["rows"]]
    assert days == [(T0 + n * DAY).date().isoformat() for n in (3, 4, 5)]


def test_the_funnel_period_selects_deals_by_creation(book, sales):
    apply(book, *sales.create("late", "u-a", "1.00", created_at=T0 + 20 * DAY))
    assert report(book, "funnel", ADMIN, **PERIOD)["totals"]["count"] == 6
    assert report(book, "funnel", ADMIN)["totals"]["count"] == 7


@pytest.mark.parametrize("function, query", [
    ("funnel", {"group_by": ["amount"]}), ("funnel", {"tz": "Mars/Base"}),
    ("win_rate", {"group_by": ["stage"]}), ("revenue", {"unknown": 1}),
    ("revenue", {"from": "2025-03-10", "to": "2025-03-01"})])
def test_bad_queries_are_invalid(book, function, query):
    with pytest.raises(Invalid):
        report(book, function, ADMIN, **query)
