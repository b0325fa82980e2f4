"""Win rate and revenue cut by the owner's team and region (users copy), by product (the
deals' lines) and by quarter / year; the deal lines follow the newest whole record."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.chassis.auth import Principal
from services.chassis.errors import Invalid
from services.reporting.domains.sales.queries import deals as sales_queries
from services.reporting.domains.sales.models import DealLineFact
from tests.unit.reporting.support import T0, apply

ADMIN = Principal("u-admin", "admin")
MANAGER = Principal("u-manager", "manager", team_id="t1")
REP_A = Principal("u-a", "sales_rep", team_id="t1")
DAY = timedelta(days=1)
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
GTX, MG = ("p-gtx", "GTX Pro"), ("p-mg", "MG Special")


@pytest.fixture
def book(db, sales, identity):
    """t1/West: A won [GTX 100.00 + MG 20.50] and lost [GTX 40.00]; B (t1/West) won [MG 10.00];
    t2/East: C won [GTX 300.00] in April (Q2) and lost [MG 5.00]; one open deal with GTX."""
    apply(db, identity.user("u-admin", "admin"),
          identity.user("u-manager", "manager", "t1", region="West"),
          identity.user("u-a", "sales_rep", "t1", region="West"),
          identity.user("u-b", "sales_rep", "t1", region="West"),
          identity.user("u-c", "sales_rep", "t2", region="East"))
    events = (sales.create("a1", "u-a", lines=[(*GTX, "100.00"), (*MG, "20.50")])
              + sales.move("a1", "won", T0 + 2 * DAY)
              + sales.create("a2", "u-a", lines=[(*GTX, "40.00")])
              + sales.move("a2", "lost", T0 + 3 * DAY, "price")
              + sales.create("b1", "u-b", lines=[(*MG, "10.00")]) + sales.move("b1", "won")
              + sales.create("c1", "u-c", lines=[(*GTX, "300.00")])
              + sales.move("c1", "won", T0.replace(month=4, day=20))
              + sales.create("c2", "u-c", lines=[(*MG, "5.00")]) + sales.move("c2", "lost", T0 + DAY, "x")
              + sales.create("o1", "u-a", lines=[(*GTX, "1.00")]))
    apply(db, *events)
    return db


def report(db, function, principal, **query):
    with db.read_only() as session:
        return getattr(sales_queries, function)(session, principal, query)


def rows(result, *names):
    return {tuple(row[name] for name in names): row for row in result["rows"]}


def test_win_rate_by_region_and_team_is_the_owners(book):
    by_region = rows(report(book, "win_rate", ADMIN, **YEAR, granularity="total",
                            group_by=["region"]), "region")
    assert {k: (r["won"], r["lost"], r["win_rate"]) for k, r in by_region.items()} == {
        ("West",): (2, 1, 0.6667), ("East",): (1, 1, 0.5)}
    by_team = rows(report(book, "win_rate", ADMIN, **YEAR, granularity="total",
                          group_by=["team_id", "owner_id"]), "team_id", "owner_id")
    assert {k: r["won"] for k, r in by_team.items()} == {("t1", "u-a"): 1, ("t1", "u-b"): 1,
                                                         ("t2", "u-c"): 1}
    assert by_team[("t1", "u-a")]["owner_name"] == "Name u-a"


def test_revenue_by_region_per_quarter(book):
    result = report(book, "revenue", ADMIN, **YEAR, granularity="quarter", group_by=["region"])
    assert {(r["period"], r["region"]): r["revenue"] for r in result["rows"]} == {
        ("2025-01-01", "West"): "130.50", ("2025-04-01", "East"): "300.00"}


def test_revenue_and_win_rate_per_product_from_the_lines(book):
    revenue = rows(report(book, "revenue", ADMIN, **YEAR, granularity="year",
                          group_by=["product_id"]), "product_id")
    assert {k: (r["period"], r["won"], r["revenue"], r["average_deal_size"], r["product_name"])
            for k, r in revenue.items()} == {
        ("p-gtx",): ("2025-01-01", 2, "400.00", "200.00", "GTX Pro"),
        ("p-mg",): ("2025-01-01", 2, "30.50", "15.25", "MG Special")}
    win = rows(report(book, "win_rate", ADMIN, **YEAR, granularity="total",
                      group_by=["product_id"]), "product_id")
    assert {k: (r["won"], r["lost"]) for k, r in win.items()} == {("p-gtx",): (2, 1),
                                                                 ("p-mg",): (2, 1)}


def test_a_product_filter_with_another_cut_counts_each_deal_once(book):
    result = report(book, "revenue", ADMIN, **YEAR, granularity="total", group_by=["region"],
                    product_id=["p-gtx", "p-mg"])
    assert {r["region"]: (r["won"], r["revenue"]) for r in result["rows"]} == {
        "West": (2, "130.50"), "East": (1, "300.00")}


def test_cuts_are_scoped_like_every_sales_report(book):
    mine = report(book, "revenue", REP_A, **YEAR, granularity="total", group_by=["product_id"])
    assert {r["product_id"]: r["revenue"] for r in mine["rows"]} == {"p-gtx": "100.00",
                                                                     "p-mg": "20.50"}
    team = report(book, "win_rate", MANAGER, **YEAR, granularity="total", group_by=["region"])
    assert [(r["region"], r["won"]) for r in team["rows"]] == [("West", 2)]


def test_region_and_team_filters(book):
    result = report(book, "win_rate", ADMIN, **YEAR, granularity="total", region="East")
    assert [(r["owner_id"], r["won"], r["lost"]) for r in result["rows"]] == [("u-c", 1, 1)]
    result = report(book, "revenue", ADMIN, **YEAR, granularity="total", team_id=["t1"],
                    group_by=["product_id"])
    assert {r["product_id"]: r["revenue"] for r in result["rows"]} == {"p-gtx": "100.00",
                                                                       "p-mg": "30.50"}


def test_an_unknown_cut_is_refused(book):
    with pytest.raises(Invalid):
        report(book, "revenue", ADMIN, group_by=["customer_id"])


def test_lines_follow_the_newest_record_in_any_order(db, sales):
    created = sales.create("d1", lines=[(*GTX, "10.00")])
    sales.deals["d1"]["lines"] = [{**sales.deals["d1"]["lines"][0], "product_id": "p-mg",
                                   "product_name": "MG Special"}]
    updated = sales.update("d1", amount="10.00")
    moved = sales.move("d1", "proposal")        # no lines: leaves them alone
    apply(db, *moved, *updated, *created, *updated)
    with db.read_only() as session:
        assert [(line.product_id, line.total_cents) for line in
                session.scalars(select(DealLineFact))] == [("p-mg", 1000)]
