"""Invoices and payments: invoiced vs collected per period and currency, receivables aged on
an as-of date from the facts (not the overdue timer), whatever the delivery order."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from services.reporting import inbox
from services.chassis.auth import Principal
from services.reporting.domains.sales.queries import cash as sales_cash
from services.reporting.domains.sales.models import InvoiceFact, PaymentFact
from tests.unit.reporting.cash_support import Cash
from tests.unit.reporting.support import apply

ADMIN = Principal("u-admin", "admin")
REP_A = Principal("u-a", "sales_rep", team_id="t1")
MANAGER_T2 = Principal("u-m2", "manager", team_id="t2")


@pytest.fixture
def cash(sales):
    return Cash(sales)


@pytest.fixture
def ledger(db, cash, identity):
    """A (t1/West): i1 1000.00 USD issued Jan 10 due Feb 9, paid 300.00 Jan 20 and 200.00 Mar 1;
    i2 50.00 EUR issued Feb 1 due Mar 3. C (t2/East): i3 80.00 USD issued Jan 5 due Jan 6,
    nothing paid; i4 10.00 USD cancelled."""
    events = [identity.user("u-a", "sales_rep", "t1", region="West"),
              identity.user("u-c", "sales_rep", "t2", region="East"),
              cash.issue("i1", "1000.00", date(2025, 1, 10), date(2025, 2, 9)),
              cash.pay("i1", "300.00", date(2025, 1, 20)),
              cash.pay("i1", "200.00", date(2025, 3, 1)),
              cash.issue("i2", "50.00", date(2025, 2, 1), date(2025, 3, 3), currency="EUR"),
              cash.issue("i3", "80.00", date(2025, 1, 5), date(2025, 1, 6), owner_id="u-c"),
              cash.issue("i4", "10.00", date(2025, 1, 5), date(2025, 1, 6), owner_id="u-c"),
              cash.cancel("i4")]
    apply(db, *events)
    return events


def run(db, function, principal, **query):
    with db.read_only() as session:
        return getattr(sales_cash, function)(session, principal, query)


def test_invoiced_vs_collected_per_month_and_currency(db, ledger):
    result = run(db, "cash", ADMIN, **{"from": "2025-01-01", "to": "2025-03-31"},
                 granularity="month")
    assert {(r["period"], r["currency"]): (r["invoiced"], r["collected"]) for r in result["rows"]} == {
        ("2025-01-01", "USD"): ("1080.00", "300.00"), ("2025-02-01", "EUR"): ("50.00", "0.00"),
        ("2025-03-01", "USD"): ("0.00", "200.00")}
    assert result["totals"]["by_currency"]["USD"] == {
        "invoices": 2, "invoiced": "1080.00", "payments": 2, "collected": "500.00"}


def test_cash_by_region_and_scoped(db, ledger):
    result = run(db, "cash", ADMIN, **{"from": "2025-01-01", "to": "2025-03-31"},
                 granularity="total", group_by=["region"])
    assert {(r["region"], r["currency"]): r["invoiced"] for r in result["rows"]} == {
        ("West", "USD"): "1000.00", ("West", "EUR"): "50.00", ("East", "USD"): "80.00"}
    mine = run(db, "cash", MANAGER_T2, **{"from": "2025-01-01", "to": "2025-03-31"},
               granularity="total")
    assert [(r["currency"], r["invoiced"]) for r in mine["rows"]] == [("USD", "80.00")]


def test_receivables_aged_on_the_as_of_date(db, ledger):
    result = run(db, "receivables", ADMIN, as_of="2025-03-15")
    usd = result["totals"]["by_currency"]["USD"]
    # i1: 500.00 left, 34 days past due (31-60); i3: 80.00, 68 days (61-90)
    assert (usd["outstanding"], usd["overdue"], usd["overdue_invoices"]) == ("580.00", "580.00", 2)
    assert usd["aging"]["31-60"] == {"invoices": 1, "amount": "500.00"}
    assert usd["aging"]["61-90"] == {"invoices": 1, "amount": "80.00"}
    eur = result["totals"]["by_currency"]["EUR"]
    assert eur["aging"]["1-30"] == {"invoices": 1, "amount": "50.00"}       # 12 days
    assert [(i["id"], i["days_overdue"]) for i in result["overdue_invoices"]] == [
        ("i3", 68), ("i1", 34), ("i2", 12)]


def test_receivables_on_an_earlier_date_ignore_later_payments_and_invoices(db, ledger):
    result = run(db, "receivables", ADMIN, as_of="2025-02-09")
    usd = result["totals"]["by_currency"]["USD"]
    assert (usd["outstanding"], usd["current"], usd["overdue"]) == ("780.00", "700.00", "80.00")
    assert result["totals"]["by_currency"]["EUR"]["current"] == "50.00"
    assert run(db, "receivables", REP_A, as_of="2025-02-09")["overdue_invoice_count"] == 0


def test_aging_bucket_edges():
    assert [sales_cash.age_bucket(d) for d in (0, 1, 30, 31, 60, 61, 90, 91)] == [
        None, "1-30", "1-30", "31-60", "31-60", "61-90", "61-90", "90+"]


def test_any_order_and_repeats_give_the_same_facts(db, fresh_db, ledger, cash):
    late = [cash.overdue("i3")]
    apply(db, *late)
    other = fresh_db()
    statuses = apply(other, *reversed(ledger + late), *ledger)
    assert statuses.count(inbox.DUPLICATE) == len(ledger)
    assert run(other, "receivables", ADMIN, as_of="2025-03-15") == \
        run(db, "receivables", ADMIN, as_of="2025-03-15")
    with other.read_only() as session:
        assert session.get(InvoiceFact, "i3").overdue_detected_at is not None
        assert session.get(InvoiceFact, "i4").cancelled
        assert len(session.scalars(select(PaymentFact)).all()) == 2


def test_receivables_gauges_drop_a_currency_once_paid(db, sales, cash):
    from prometheus_client import REGISTRY
    from services.reporting import gauges

    def gauge(name, currency):
        return REGISTRY.get_sample_value(name, {"currency": currency})
    seen = {}
    apply(db, cash.issue("g1", "30.00", date(2020, 1, 1), date(2020, 1, 31), currency="CHF"),
          cash.pay("g1", "10.00", date(2020, 1, 5)),
          cash.issue("g2", "5.00", date(2020, 1, 1), date(2999, 1, 1), currency="CHF"))
    with db.read_only() as session:
        gauges.refresh_business_gauges(session, seen, today=date(2020, 3, 1))
    assert gauge("crm_receivables_outstanding_amount", "CHF") == 25.0
    assert gauge("crm_receivables_overdue_amount", "CHF") == 20.0
    apply(db, cash.pay("g1", "20.00", date(2020, 2, 1)), cash.pay("g2", "5.00", date(2020, 2, 1)))
    with db.read_only() as session:
        gauges.refresh_business_gauges(session, seen, today=date(2020, 3, 1))
    assert gauge("crm_receivables_outstanding_amount", "CHF") == 0
    assert gauge("crm_receivables_overdue_amount", "CHF") == 0


def test_receivables_default_to_today_in_the_callers_zone_at_the_injected_now(db, ledger):
    now = datetime(2025, 3, 15, 23, 30, tzinfo=timezone.utc)      # already the 16th in Tokyo
    with db.read_only() as session:
        in_utc = sales_cash.receivables(session, ADMIN, {}, now=now)
        in_tokyo = sales_cash.receivables(session, ADMIN, {"tz": "Asia/Tokyo"}, now=now)
    assert (in_utc["as_of"], in_tokyo["as_of"]) == ("2025-03-15", "2025-03-16")
    assert in_utc["rows"] == run(db, "receivables", ADMIN, as_of="2025-03-15")["rows"]
