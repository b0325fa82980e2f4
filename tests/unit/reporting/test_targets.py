"""Targets from target_set / target_removed (newest sequence wins) and their attainment from
the deal facts (won revenue) and the payment facts (cash collected), scoped per role."""
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from services.chassis.auth import Principal
from services.reporting.domains.sales.queries import targets as sales_targets
from services.reporting.domains.sales.models import DealFact
from tests.unit.reporting.cash_support import Cash
from tests.unit.reporting.support import T0, apply

ADMIN = Principal("u-admin", "admin")
MANAGER = Principal("u-m", "manager", team_id="t1")
REP_A = Principal("u-a", "sales_rep", team_id="t1")
DAY = timedelta(days=1)
Q1 = {"period_kind": "quarter", "period_start": "2025-01-01"}


@pytest.fixture
def cash(sales):
    return Cash(sales)


@pytest.fixture
def book(db, sales, identity, cash):
    """Q1 2025 won (EUR): A 100.00 [GTX Pro] + C 300.00 [MG Special]; A 50.00 in April;
    A collected 40.00 EUR in Q1."""
    apply(db, identity.user("u-m", "manager", "t1", region="West"),
          identity.user("u-a", "sales_rep", "t1", region="West"),
          identity.user("u-c", "sales_rep", "t2", region="East"))
    apply(db, *sales.create("a1", "u-a", lines=[("p1", "GTX Pro", "100.00")]),
          *sales.move("a1", "won", T0 + DAY),
          *sales.create("c1", "u-c", lines=[("p2", "MG Special", "300.00")]),
          *sales.move("c1", "won", T0 + DAY),
          *sales.create("a2", "u-a", "50.00"), *sales.move("a2", "won", T0.replace(month=4)),
          cash.issue("i1", "100.00", date(2025, 3, 1), date(2025, 3, 31), currency="EUR"),
          cash.pay("i1", "40.00", date(2025, 3, 20)))
    return db


def targets(db, principal, **query):
    with db.read_only() as session:
        return sales_targets.targets(session, principal, {**Q1, **query})["rows"]


def test_attainment_per_scope_and_measure(book, cash):
    apply(book, cash.target("company", "800.00"),
          cash.target("west", "200.00", "region", "West"),
          cash.target("rep-a", "400.00", "rep", "u-a"),
          cash.target("gtx", "100.00", "product_line", "GTX"),
          cash.target("cash-a", "80.00", "rep", "u-a", measure="cash_collected"),
          cash.target("cash-gtx", "80.00", "product_line", "GTX", measure="cash_collected"))
    found = {row["id"]: (row["attained"], row["attainment"], row["remaining"])
             for row in targets(book, ADMIN)}
    assert found == {"company": ("400.00", 0.5, "400.00"), "west": ("100.00", 0.5, "100.00"),
                     "rep-a": ("100.00", 0.25, "300.00"), "gtx": ("100.00", 1.0, "0.00"),
                     "cash-a": ("40.00", 0.5, "40.00"), "cash-gtx": (None, None, None)}


def test_a_changed_target_replaces_and_a_removed_one_leaves_in_any_order(book, cash):
    first = cash.target("t", "100.00")
    changed = cash.target("t", "250.00")
    gone = cash.target("gone", "1.00")
    removed = cash.remove("gone")
    apply(book, removed, changed, first, gone, first)
    rows = targets(book, ADMIN)
    assert [(row["id"], row["amount"]) for row in rows] == [("t", "250.00")]


def test_another_currency_and_another_period_do_not_count(book, cash):
    apply(book, cash.target("usd", "10.00", currency="USD"),
          cash.target("q2", "10.00", period=("quarter", date(2025, 4, 1), date(2025, 6, 30))))
    assert [(r["id"], r["attained"]) for r in targets(book, ADMIN)] == [("usd", "0.00")]
    q2 = targets(book, ADMIN, period_start="2025-04-01")
    assert [(r["id"], r["attained"]) for r in q2] == [("q2", "50.00")]


def test_reps_see_their_own_targets_managers_their_teams(book, cash):
    apply(book, cash.target("company", "1.00"), cash.target("rep-a", "1.00", "rep", "u-a"),
          cash.target("rep-c", "1.00", "rep", "u-c"))
    assert [r["id"] for r in targets(book, REP_A)] == ["rep-a"]
    assert sorted(r["id"] for r in targets(book, MANAGER)) == ["company", "rep-a"]
    assert targets(book, REP_A)[0]["scope_name"] == "Name u-a"


def test_reconcile_recomputes_attainment_from_sales_rows(book, sales, cash):
    from services.reporting.domains.sales.reconcile import targets as reconcile_targets
    from tests.unit.reporting.sales_support import ProducersRpc
    apply(book, cash.target("company", "800.00"),
          cash.target("west", "200.00", "region", "West"),
          cash.target("gtx", "100.00", "product_line", "GTX"),
          cash.target("cash-a", "80.00", "rep", "u-a", measure="cash_collected"),
          cash.target("cash-gtx", "80.00", "product_line", "GTX", measure="cash_collected"),
          cash.target("gone", "1.00"), cash.remove("gone"))
    producers = ProducersRpc(None, sales)
    with book.read_only() as session:
        want = reconcile_targets.expected(session, cash.target_facts(), sales.facts(),
                                          sales.histories(), producers.cash_facts())
        have = reconcile_targets.actual(session)
    assert want == have
    assert want["targets.attained_cents"] == {("company",): 40000, ("west",): 10000,
                                              ("gtx",): 10000, ("cash-a",): 4000,
                                              ("cash-gtx",): -1}
    with book.unit_of_work() as uow:                # a drifted deal fact shows
        uow.session.execute(update(DealFact).where(DealFact.id == "a1")
                            .values(amount_cents=DealFact.amount_cents + 1))
    with book.read_only() as session:
        drifted = reconcile_targets.actual(session)["targets.attained_cents"]
    assert (drifted[("company",)], drifted[("west",)]) == (40001, 10001)
