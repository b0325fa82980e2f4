"""Stage conversion, time in stage and sales cycle from the stage entries, with fixed business
timestamps; entries are idempotent and slot in by time whatever the delivery order."""
from datetime import timedelta

import pytest

from services.chassis.auth import Principal
from services.reporting.domains.sales.queries import stages as sales_stages
from tests.unit.reporting.support import T0, apply

ADMIN = Principal("u-admin", "admin")
REP_A = Principal("u-a", "sales_rep", team_id="t1")
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@pytest.fixture
def history(sales):
    """d1 (A): initial 1 d → proposal 2 d → won. d2 (A): initial 3 d → proposal 4 d → lost.
    d3 (B): initial 10 h → needs_analysis, still open. d4 (A): created 3 days later, open."""
    return (sales.create("d1", "u-a") + sales.move("d1", "proposal", T0 + DAY)
            + sales.move("d1", "won", T0 + 3 * DAY)
            + sales.create("d2", "u-a") + sales.move("d2", "proposal", T0 + 3 * DAY)
            + sales.move("d2", "lost", T0 + 7 * DAY, "price")
            + sales.create("d3", "u-b") + sales.move("d3", "needs_analysis", T0 + 10 * HOUR)
            + sales.create("d4", "u-a", created_at=T0 + 3 * DAY))


def report(db, function, principal, **query):
    with db.read_only() as session:
        return getattr(sales_stages, function)(session, principal, query)


def test_time_in_stage_averages_and_medians_completed_stays(db, history):
    apply(db, *history)
    result = report(db, "time_in_stage", ADMIN)
    stays = {row["stage"]: row for row in result["rows"]}
    assert stays["initial_contact"]["count"] == 3          # d4 is still in it
    assert stays["initial_contact"]["average_seconds"] == (86400 + 3 * 86400 + 36000) / 3
    assert stays["initial_contact"]["median_seconds"] == 86400
    assert (stays["proposal"]["count"], stays["proposal"]["average_days"],
            stays["proposal"]["median_days"]) == (2, 3.0, 3.0)
    assert set(stays) == {"initial_contact", "proposal"}
    assert result["sales_cycle"]["won"]["average_days"] == 3.0
    assert result["sales_cycle"]["lost"]["average_days"] == 7.0
    assert result["sales_cycle"]["closed"]["median_days"] == 5.0
    assert result["deals"] == 4


def test_conversion_next_and_ever(db, history, sales):
    apply(db, *history, *sales.move("d3", "proposal", T0 + DAY))
    result = report(db, "conversion", ADMIN)
    found = {(r["from_stage"], r["to_stage"]): (r["entered"], r["next"], r["ever"], r["ever_rate"])
             for r in result["rows"]}
    assert found[("initial_contact", "proposal")] == (4, 2, 3, 0.75)
    assert found[("initial_contact", "needs_analysis")] == (4, 1, 1, 0.25)
    assert found[("initial_contact", "won")] == (4, 0, 1, 0.25)
    assert found[("proposal", "won")] == (3, 1, 1, 0.3333)
    assert found[("proposal", "lost")] == (3, 1, 1, 0.3333)
    assert {s["stage"]: s["entered"] for s in result["stages"]}["proposal"] == 3


def test_scope_cohort_and_filters(db, history, identity):
    apply(db, identity.user("u-a", "sales_rep", "t1", region="West"),
          identity.user("u-b", "sales_rep", "t1", region="East"), *history)
    assert report(db, "time_in_stage", REP_A)["deals"] == 3
    assert report(db, "conversion", ADMIN, region=["East"])["deals"] == 1
    later = report(db, "time_in_stage", ADMIN, **{"from": (T0 + 2 * DAY).date().isoformat()})
    assert later["deals"] == 1 and later["rows"] == []      # d4 only, still in its first stage


def test_out_of_order_and_repeated_entries_give_the_same_answer(db, fresh_db, history):
    apply(db, *history)
    other = fresh_db()
    apply(other, *reversed(history), *history)
    for function in ("time_in_stage", "conversion"):
        assert report(other, function, ADMIN) == report(db, function, ADMIN)


def test_a_reopened_deal_counts_its_first_entry_and_every_stay(db, sales):
    apply(db, *sales.create("d1"), *sales.move("d1", "lost", T0 + DAY, "x"),
          *sales.move("d1", "negotiation", T0 + 2 * DAY), *sales.move("d1", "won", T0 + 5 * DAY))
    found = {(r["from_stage"], r["to_stage"]): (r["next"], r["ever"])
             for r in report(db, "conversion", ADMIN)["rows"]}
    assert found[("initial_contact", "lost")] == (1, 1)
    assert found[("lost", "negotiation")] == (1, 1)
    assert found[("initial_contact", "won")] == (0, 1)
    stays = {r["stage"]: r["average_days"] for r in report(db, "time_in_stage", ADMIN)["rows"]}
    assert stays == {"initial_contact": 1.0, "lost": 1.0, "negotiation": 3.0}
