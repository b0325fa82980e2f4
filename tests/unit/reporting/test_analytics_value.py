"""Value classes from behaviour: quintile scoring, the class rules and their reasons on a
hand-checked base (analytics_support.BASE), and the report's scope, filters and paging.

As of 2025-12-31, window the 12 months before (2025): recency days c1 11, c2 60, c3 184,
c4 333, c5 578, c7 1 (six buyers; fewest days best) → ranks 5, 4, 3, 2, 1, 6 → ceil(5r/6) =
5, 4, 3, 2, 1, 5. Frequency c1 5, c2 3, c3 2, c4 1, c7 2 → ranks (ties: the higher) 5, 4, 3,
1, 3 → scores the same. Value in EUR c1 5000, c2 1500, c3 600, c4 100 → ranks 4, 3, 2, 1 →
ceil(5r/4) = 5, 4, 3, 2; c7 is the only USD buyer → 5."""
import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Invalid
from services.reporting.domains.analytics.value import classes, rfm
from tests.unit.reporting.analytics_support import load_base

ADMIN = Principal("u-admin", "admin")
REP_A = Principal("u-a", "sales_rep", team_id="t1")


def test_quintiles_are_fifths_of_the_rank_ties_sharing_the_higher():
    assert rfm.quintiles([10, 20, 30, 40, 50]) == [1, 2, 3, 4, 5]
    assert rfm.quintiles([1, 1, 2, 3]) == [3, 3, 4, 5]
    assert rfm.quintiles([578, 333, 184, 60, 11, 1], higher_is_better=False) == [1, 2, 3, 4, 5, 5]
    assert rfm.quintiles([7]) == [5]


def test_rules_map_scores_to_classes():
    assert rfm.suggest(5, 5, 5) == "a"
    assert rfm.suggest(3, 3, 4) == "a"
    assert rfm.suggest(2, 5, 5) == "b"         # high value, but not bought lately
    assert rfm.suggest(5, 2, 5) == "b"         # high value, seldom
    assert rfm.suggest(5, 2, 2) == "c"
    assert rfm.suggest(5, 0, 0) == "none" and rfm.suggest(0, 0, 0) == "none"


@pytest.fixture
def base(db, customers, sales):
    load_base(db, customers, sales)


def run(db, principal, **query):
    with db.read_only() as session:
        return classes.value_classes(session, principal, {"as_of": "2025-12-31", **query})


def test_classes_scores_and_reasons(db, base):
    report = run(db, ADMIN)
    rows = {row["customer_id"]: row for row in report["rows"]}
    assert {key: (tuple(row["scores"].values()), row["suggested_class"], row["change"])
            for key, row in rows.items()} == {
        "c1": ((5, 5, 5), "A", "up"), "c2": ((4, 4, 4), "A", "new"),
        "c3": ((3, 3, 3), "B", "same"), "c4": ((2, 1, 2), "C", "down"),
        "c5": ((1, 0, 0), "C", "same"), "c6": ((0, 0, 0), "C", "new"),
        "c7": ((5, 3, 5), "A", "new")}
    assert rows["c2"]["reason"] == (
        "A: high value, buying often and recently — top 40 % by value (EUR 1500.00 in the last "
        "12 months), bought 3 times in the last 12 months (top 40 %), last won deal 60 days ago "
        "(top 40 % by recency)")
    assert rows["c5"]["reason"] == ("C: no won deal in the last 12 months — last won deal 578 "
                                    "days ago (bottom 20 % by recency)")
    assert rows["c6"]["reason"] == "C: no won deal in the last 12 months — no won deal yet"
    assert (rows["c1"]["monetary"], rows["c1"]["currency"], rows["c1"]["recency_days"],
            rows["c1"]["frequency"]) == ("5000.00", "EUR", 11, 5)
    assert report["distribution"] == {"suggested": {"A": 3, "B": 1, "C": 3},
                                      "current": {"A": 1, "B": 2, "C": 1, "none": 3},
                                      "changes": 5}
    assert [row["customer_id"] for row in report["rows"]] == ["c1", "c7", "c2", "c3", "c4",
                                                              "c5", "c6"]


def test_a_rep_sees_their_own_customers_scored_among_all(db, base):
    report = run(db, REP_A)
    assert [(row["customer_id"], row["suggested_class"]) for row in report["rows"]] == [
        ("c1", "A"), ("c2", "A"), ("c3", "B")]
    assert report["rows"][1]["scores"] == {"recency": 4, "frequency": 4, "monetary": 4}
    assert report["distribution"]["suggested"] == {"A": 2, "B": 1}


def test_filters_paging_and_the_window(db, base):
    report = run(db, ADMIN, changed_only=True, suggested_class=["A", "C"], limit=2, offset=1)
    assert report["total"] == 5      # A: c1 up, c7 and c2 new; C: c4 down, c6 new (c5 same)
    assert [row["customer_id"] for row in report["rows"]] == ["c7", "c2"]
    earlier = {row["customer_id"]: row for row in run(db, ADMIN, as_of="2025-06-30", months=3)["rows"]}
    assert (earlier["c3"]["frequency"], earlier["c3"]["recency_days"]) == (1, 0)
    assert earlier["c7"]["recency_days"] is None and earlier["c1"]["frequency"] == 1


@pytest.mark.parametrize("query", [{"months": 0}, {"months": 61}, {"as_of": "2025-13-01"},
                                   {"suggested_class": "D"}, {"limit": 0}, {"tz": "Mars/Base"},
                                   {"colour": "red"}])
def test_bad_queries_are_refused(db, query):
    with pytest.raises(Invalid):
        run(db, ADMIN, **query)
