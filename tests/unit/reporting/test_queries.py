"""Reports: scoped per role like customers' lists, grouped only by allowed dimensions."""
from datetime import timedelta

import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Invalid
from services.reporting.domains.customers import queries
from tests.unit.reporting.support import T0, apply

ADMIN = Principal("u-admin", "admin")
MANAGER = Principal("u-manager", "manager", team_id="t1")
REP_A = Principal("u-a", "sales_rep", team_id="t1")
REP_B = Principal("u-b", "sales_rep", team_id="t1")
REP_C = Principal("u-c", "sales_rep", team_id="t2")
MARKETER = Principal("u-mkt", "marketer")
DAY = T0.date().isoformat()


@pytest.fixture
def book(db, customers, identity):
    """A's 2 customers, B's 1, C's 1 (another team), 1 unassigned; and their calls."""
    for principal in (ADMIN, MANAGER, REP_A, REP_B, REP_C, MARKETER):
        apply(db, identity.user(principal.user_id, principal.role, principal.team_id))
    apply(db,
          customers.create("a1", owner_id="u-a", region="EU", value_class="A", industry="Tech"),
          customers.create("a2", owner_id="u-a", region="EU", lifecycle_stage="customer"),
          customers.create("b1", owner_id="u-b", region="US"),
          customers.create("c1", owner_id="u-c", region="US", created_at=T0 + timedelta(days=1)),
          customers.create("x1"),
          customers.interaction("u-a", "call", owner_id="u-a"),
          customers.interaction("u-a", "email", owner_id="u-a"),
          customers.interaction("u-b", "call", owner_id="u-b"),
          customers.interaction("u-c", "meeting", owner_id="u-c"),
          customers.interaction("u-manager", "call", owner_id="u-a"))
    return db


def composition(db, principal, **query):
    with db.read_only() as session:
        return queries.composition(session, principal, query)


def series(db, function, principal, **query):
    query.setdefault("from", DAY)
    query.setdefault("to", (T0 + timedelta(days=1)).date().isoformat())
    with db.read_only() as session:
        return getattr(queries, function)(session, principal, query)


@pytest.mark.parametrize("principal, total", [
    (ADMIN, 5), (MARKETER, 5), (MANAGER, 3), (REP_A, 2), (REP_B, 1), (REP_C, 1)])
def test_composition_is_scoped_like_the_customer_lists(book, principal, total):
    assert composition(book, principal, group_by=["owner_id"])["total"] == total


def test_a_rep_sees_only_their_own_rows_even_when_filtering_for_others(book):
    report = composition(book, REP_A, group_by=["owner_id", "lifecycle_stage"])
    assert report["rows"] == [
        {"owner_id": "u-a", "lifecycle_stage": "customer", "count": 1, "owner_name": "Name u-a"},
        {"owner_id": "u-a", "lifecycle_stage": "lead", "count": 1, "owner_name": "Name u-a"}]
    assert composition(book, REP_A, owner_id="u-c")["total"] == 0


def test_composition_by_each_dimension_with_filters(book):
    by_region = composition(book, ADMIN, group_by=["region"])["rows"]
    assert {row["region"]: row["count"] for row in by_region} == {None: 1, "EU": 2, "US": 2}
    report = composition(book, ADMIN, group_by=["value_class", "industry"], region=["EU"])
    assert report["filters"] == {"region": ["EU"]}
    assert [(r["value_class"], r["industry"], r["count"]) for r in report["rows"]] == [
        (None, None, 1), ("A", "Tech", 1)]
    assert composition(book, ADMIN, group_by=[])["rows"] == [{"count": 5}]


@pytest.mark.parametrize("bad", [{"group_by": ["name"]}, {"group_by": ["region", "region"]},
                                 {"group_by": ["owner_id; DROP TABLE x"]}, {"colour": "red"},
                                 {"region": []}, {"region": 7}])
def test_only_allowed_dimensions_and_known_fields(book, bad):
    with pytest.raises(Invalid):
        composition(book, ADMIN, **bad)


def test_new_customers_per_day_zero_filled_and_grouped(book):
    report = series(book, "new_customers", ADMIN)
    assert [(row["period"], row["count"]) for row in report["rows"]] == [
        (DAY, 4), ((T0 + timedelta(days=1)).date().isoformat(), 1)]
    grouped = series(book, "new_customers", MANAGER, group_by=["owner_id"], granularity="total")
    assert [(row["owner_id"], row["count"]) for row in grouped["rows"]] == [("u-a", 2), ("u-b", 1)]
    assert grouped["period"] == {"from": DAY, "to": "2025-03-15", "tz": "UTC", "granularity": "total"}


def test_new_customers_in_a_far_time_zone_shift_days(book):
    report = series(book, "new_customers", ADMIN, tz="Pacific/Kiritimati",    # UTC+14
                    to="2025-03-16")
    # T0 is 10:00 UTC = 00:00 the next day in Kiritimati.
    assert [(row["period"], row["count"]) for row in report["rows"]] == [
        ("2025-03-14", 0), ("2025-03-15", 4), ("2025-03-16", 1)]


def test_interactions_per_rep_by_kind_scoped_on_the_rep(book):
    admin = series(book, "interaction_activity", ADMIN, granularity="total")
    assert [(r["user_id"], r["kind"], r["count"]) for r in admin["rows"]] == [
        ("u-a", "call", 1), ("u-a", "email", 1), ("u-b", "call", 1), ("u-c", "meeting", 1),
        ("u-manager", "call", 1)]
    assert admin["rows"][0]["user_name"] == "Name u-a"
    rep = series(book, "interaction_activity", REP_A, granularity="total")
    assert {r["user_id"] for r in rep["rows"]} == {"u-a"} and rep["total"] == 2
    manager = series(book, "interaction_activity", MANAGER, granularity="total", kind="call")
    assert [(r["user_id"], r["count"]) for r in manager["rows"]] == [("u-a", 1), ("u-b", 1),
                                                                      ("u-manager", 1)]


def test_period_input_is_validated(book):
    for bad in ({"tz": "Mars/Olympus"}, {"granularity": "hour"}, {"from": "yesterday"},
                {"from": "2025-03-20", "to": "2025-03-01"}):
        with pytest.raises(Invalid):
            series(book, "new_customers", ADMIN, **bad)
