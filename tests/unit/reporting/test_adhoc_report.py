"""The ad-hoc report over reporting's facts on hand-made data: each measure by each kind of
dimension (the deal's own, the owner's, the customer's, the product's lines, the period),
exact money per currency, the rep's scope, paging; names checked against the source's
whitelist; filter values bound, never SQL."""
from datetime import datetime, timezone

import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Forbidden, Invalid
from services.reporting.domains.analytics.adhoc import build, sources
from services.reporting.domains.analytics.adhoc.report import adhoc, validated
from services.reporting.domains.analytics.adhoc.schemas import AdhocQuery
from tests.unit.reporting.support import apply

ADMIN = Principal("u-admin", "admin")
REP_A = Principal("u-a", "sales_rep", team_id="t1")
MARKETER = Principal("u-mk", "marketer")


def at(month, day=15):
    return datetime(2025, month, day, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def facts(db, identity, customers, sales):
    """u-a (team t1, North): d1 won 100.00 EUR in January (lines p1 60.00, p2 40.00) and d2
    lost 100.00 EUR in February, both for c1 (Retail, A); d4 open 50.00 USD for c2.
    u-b (t2, South): d3 won 300.00 EUR in February for c2 (Tech, B)."""
    events = [identity.user("u-a", team_id="t1", region="North"),
              identity.user("u-b", team_id="t2", region="South"),
              customers.create("c1", industry="Retail", value_class="A", owner_id="u-a"),
              customers.create("c2", industry="Tech", value_class="B", owner_id="u-b")]
    events += sales.create("d1", "u-a", created_at=at(1, 2), customer_id="c1",
                           lines=[("p1", "Widget", "60.00"), ("p2", "Gadget", "40.00")])
    events += sales.move("d1", "won", at(1))
    events += sales.create("d2", "u-a", "100.00", created_at=at(1, 3), customer_id="c1")
    events += sales.move("d2", "lost", at(2), "price")
    events += sales.create("d3", "u-b", "300.00", created_at=at(2, 1), customer_id="c2")
    events += sales.move("d3", "won", at(2))
    events += sales.create("d4", "u-a", "50.00", currency="USD", created_at=at(2, 2),
                           customer_id="c2")
    apply(db, *events)
    return db


def run(db, principal, **query):
    with db.read_only() as session:
        return adhoc(session, principal, query)


def figures(report, *keys):
    return {tuple(row.get(key) for key in keys): {name: row[name] for name in report["measures"]}
            for row in report["rows"]}


def test_measures_by_rep_per_currency_exact_and_scoped(facts):
    query = {"measure": ["count", "amount_sum", "amount_avg", "win_rate"], "dimension": ["rep"]}
    report = run(facts, ADMIN, **query)
    assert figures(report, "rep", "currency") == {
        ("u-a", "EUR"): {"count": 2, "amount_sum": "200.00", "amount_avg": "100.00",
                         "win_rate": 0.5},
        ("u-a", "USD"): {"count": 1, "amount_sum": "50.00", "amount_avg": "50.00",
                         "win_rate": None},             # nothing closed: no rate, not 0
        ("u-b", "EUR"): {"count": 1, "amount_sum": "300.00", "amount_avg": "300.00",
                         "win_rate": 1.0}}
    assert {row["rep_name"] for row in report["rows"]} == {"Name u-a", "Name u-b"}
    assert report["total"] == 3 and report["not_available"] == sources.NOT_AVAILABLE
    mine = run(facts, REP_A, **query)
    assert set(figures(mine, "rep", "currency")) == {("u-a", "EUR"), ("u-a", "USD")}


def test_owner_customer_and_product_dimensions_and_filters(facts):
    by_region = run(facts, ADMIN, measure=["count"], dimension=["region", "team"])
    assert figures(by_region, "region", "team") == {("North", "t1"): {"count": 3},
                                                    ("South", "t2"): {"count": 1}}
    by_industry = run(facts, ADMIN, measure=["count", "win_rate"], dimension=["industry", "class"],
                      status=["won", "lost"])
    assert figures(by_industry, "industry", "class") == {
        ("Retail", "A"): {"count": 2, "win_rate": 0.5}, ("Tech", "B"): {"count": 1,
                                                                        "win_rate": 1.0}}
    by_product = run(facts, ADMIN, measure=["count", "amount_sum"], dimension=["product"])
    assert figures(by_product, "product", "product_name", "currency") == {
        ("p1", "Widget", "EUR"): {"count": 1, "amount_sum": "60.00"},
        ("p2", "Gadget", "EUR"): {"count": 1, "amount_sum": "40.00"}}
    one_product = run(facts, ADMIN, measure=["count", "amount_sum"], product=["p2"])
    assert figures(one_product, "currency") == {("EUR",): {"count": 1, "amount_sum": "40.00"}}


def test_period_of_the_chosen_date_in_the_callers_zone_and_bounds(facts):
    closed = run(facts, ADMIN, measure=["count", "win_rate"], dimension=["period"],
                 dated_by="closed", granularity="month")
    assert figures(closed, "period") == {("2025-01-01",): {"count": 1, "win_rate": 1.0},
                                         ("2025-02-01",): {"count": 2, "win_rate": 0.5}}
    created = run(facts, ADMIN, measure=["count"], dimension=["period"], granularity="quarter",
                  **{"from": "2025-01-03", "to": "2025-02-01"}, tz="Europe/Berlin")
    assert figures(created, "period") == {("2025-01-01",): {"count": 2}}       # d2, d3
    assert created["period"] == {"from": "2025-01-03", "to": "2025-02-01", "tz": "Europe/Berlin",
                                 "granularity": "quarter"}


def test_paged_by_limit_and_offset_in_a_stable_order(facts):
    whole = run(facts, ADMIN, measure=["count"], dimension=["stage"])
    assert [row["stage"] for row in whole["rows"]] == ["initial_contact", "lost", "won"]
    page = run(facts, ADMIN, measure=["count"], dimension=["stage"], limit=1, offset=1)
    assert (page["total"], page["rows"]) == (3, whole["rows"][1:2])


def test_other_sources(facts, db, customers):
    assert figures(run(facts, REP_A, source="customers", dimension=["industry"]),
                   "industry") == {("Retail",): {"count": 1}}
    campaigns = run(facts, MARKETER, source="campaigns", measure=["count", "cost_sum"])
    assert campaigns["rows"] == []
    with pytest.raises(Forbidden):
        run(facts, REP_A, source="campaigns")


def test_the_customers_size_in_bands_for_deals_and_customers(facts, customers):
    """c1 has 30 employees (under 50), c2 1,000 (1000 or more); c3 (u-a, 50: 50 to 249) and
    c4 (no size known: null) have no deals."""
    apply(facts, customers.update("c1", size=30), customers.update("c2", size=1000),
          customers.create("c3", size=50, owner_id="u-a"), customers.create("c4", owner_id="u-b"))
    deals = run(facts, ADMIN, measure=["count", "amount_sum"], dimension=["size"])
    assert figures(deals, "size", "currency") == {
        ("under 50", "EUR"): {"count": 2, "amount_sum": "200.00"},        # d1, d2
        ("1000 or more", "EUR"): {"count": 1, "amount_sum": "300.00"},    # d3
        ("1000 or more", "USD"): {"count": 1, "amount_sum": "50.00"}}     # d4
    assert "size" in deals["notes"] and deals["not_available"] == {}
    big = run(facts, ADMIN, measure=["count", "win_rate"], size=["1000 or more"])
    assert figures(big, "currency") == {(None,): {"count": 2, "win_rate": 1.0}}
    assert figures(run(facts, ADMIN, source="customers", dimension=["size"]), "size") == {
        ("under 50",): {"count": 1}, ("50 to 249",): {"count": 1},
        ("1000 or more",): {"count": 1}, (None,): {"count": 1}}
    assert figures(run(facts, REP_A, source="customers", dimension=["size", "industry"]),
                   "size", "industry") == {("under 50", "Retail"): {"count": 1},
                                           ("50 to 249", None): {"count": 1}}
    with pytest.raises(Invalid) as refused:
        run(facts, ADMIN, size=["huge"])
    assert list(refused.value.details) == ["size"]


@pytest.mark.parametrize("query, field", [
    ({"source": "customers", "measure": ["win_rate"]}, "measure"),
    ({"source": "tickets", "dimension": ["size"]}, "dimension"),
    ({"dimension": ["category"]}, "dimension"),
    ({"category": ["repair"]}, "category"),
    ({"source": "tickets", "dated_by": "closed"}, "dated_by"),
    ({"source": "campaigns", "dimension": ["period"]}, "dimension"),
])
def test_names_outside_the_sources_whitelist_are_refused_by_field(query, field):
    with pytest.raises(Invalid) as refused:
        validated(ADMIN, AdhocQuery().load(query))
    assert list(refused.value.details) == [field]


def test_the_statement_binds_filter_values_and_joins_only_what_it_needs():
    spec, _ = validated(ADMIN, AdhocQuery().load({"measure": ["amount_sum"], "dimension": ["rep"],
                                                  "region": ["North'; DROP TABLE deal_fact; --"]}))
    sql = str(build.statement(spec, sources.DEALS.scope(None, ADMIN)))
    assert "DROP TABLE" not in sql and "user_copy" in sql
    assert "customer_fact" not in sql and "deal_line_fact" not in sql
    assert spec.joins == [sources.OWNER]
