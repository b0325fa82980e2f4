"""deal_fact → deal_stages (funnel, open pipeline) and deal_outcomes (won / lost, revenue,
cycle), whatever the order of delivery and however often each event arrives."""
import random
from datetime import timedelta

import pytest

from services.reporting import inbox
from services.reporting.rollups import bucket
from tests.unit.reporting.sales_support import outcomes, stages
from tests.unit.reporting.support import T0, apply

B0 = bucket(T0)
DAY = timedelta(days=1)


def test_a_created_deal_is_open_in_the_first_stage_with_exact_cents(sales, db):
    assert apply(db, *sales.create("d1", amount="1234.55")) == [inbox.PROCESSED]
    # weighted: 1234.55 × 10 % = 123.455 → 123.46 (half-up, like the sales board)
    assert stages(db) == {(B0, "u1", "initial_contact", "open", "EUR"): (1, 123455, 12346)}
    assert outcomes(db) == {}


def test_moves_shift_the_deal_between_stages_and_a_win_counts_revenue_and_cycle(sales, db):
    events = sales.create("d1", amount="200.00") + sales.move("d1", "proposal", T0 + DAY) \
        + sales.move("d1", "won", T0 + 3 * DAY)
    apply(db, *events)
    assert stages(db) == {(B0, "u1", "won", "won", "EUR"): (1, 20000, 20000)}
    closed = bucket(T0 + 3 * DAY)
    assert outcomes(db) == {(closed, "u1", "won", "EUR"): (1, 20000, 3 * 86400)}


def test_duplicates_change_nothing(sales, db):
    events = sales.create("d1") + sales.move("d1", "lost", lost_reason="price")
    assert apply(db, *events, *events) == [inbox.PROCESSED] * 3 + [inbox.DUPLICATE] * 3
    assert outcomes(db) == {(bucket(T0 + DAY), "u1", "lost", "EUR"): (1, 10000, 86400)}
    assert sum(v[0] for v in stages(db).values()) == 1


def test_an_older_event_arriving_late_does_not_undo_a_newer_one(sales, db):
    created = sales.create("d1")
    moved = sales.move("d1", "negotiation")
    won = sales.move("d1", "won", T0 + 2 * DAY)
    apply(db, *won)                      # the newest first (deal_won is a whole record)
    apply(db, *moved, *created)
    assert stages(db) == {(B0, "u1", "won", "won", "EUR"): (1, 10000, 10000)}
    assert outcomes(db) == {(bucket(T0 + 2 * DAY), "u1", "won", "EUR"): (1, 10000, 2 * 86400)}


def test_a_stage_change_before_any_record_counts_nowhere_until_the_record(sales, db):
    created = sales.create("d1")
    moved = sales.move("d1", "proposal")
    apply(db, *moved)
    assert stages(db) == {}              # no creation time yet
    apply(db, *created)                  # older: supplies the creation time only
    assert stages(db) == {(B0, "u1", "proposal", "open", "EUR"): (1, 10000, 5000)}


def test_a_lost_deal_reopened_by_a_manager_and_won_leaves_only_the_win(sales, db):
    events = (sales.create("d1", amount="50.00") + sales.move("d1", "lost", T0 + DAY, "price")
              + sales.move("d1", "negotiation", T0 + 2 * DAY))
    apply(db, *events)
    assert outcomes(db) == {}            # reopened: the loss no longer counts
    assert stages(db) == {(B0, "u1", "negotiation", "open", "EUR"): (1, 5000, 3750)}
    apply(db, *sales.move("d1", "won", T0 + 4 * DAY))
    assert outcomes(db) == {(bucket(T0 + 4 * DAY), "u1", "won", "EUR"): (1, 5000, 4 * 86400)}
    assert stages(db) == {(B0, "u1", "won", "won", "EUR"): (1, 5000, 5000)}


def test_an_amount_change_and_a_reassignment_move_value_not_counts(sales, db):
    apply(db, *sales.create("d1", amount="10.00"), *sales.create("d2", amount="5.00"))
    apply(db, *sales.update("d1", amount="30.00", owner_id="u2"))
    assert stages(db) == {(B0, "u1", "initial_contact", "open", "EUR"): (1, 500, 50),
                          (B0, "u2", "initial_contact", "open", "EUR"): (1, 3000, 300)}


def test_any_delivery_order_with_repeats_ends_in_the_same_rollups(sales, fresh_db):
    events = (sales.create("d1", amount="10.10") + sales.create("d2", owner_id="u2")
              + sales.move("d1", "proposal") + sales.move("d2", "lost", T0 + DAY, "timing")
              + sales.move("d2", "needs_analysis", T0 + 2 * DAY)
              + sales.move("d1", "won", T0 + 3 * DAY) + sales.move("d2", "won", T0 + 5 * DAY))
    in_order = fresh_db()
    apply(in_order, *events)
    expected = stages(in_order), outcomes(in_order)
    assert sum(v[0] for v in expected[1].values()) == 2
    shuffler = random.Random(7)
    for _attempt in range(6):
        shuffled = events + shuffler.sample(events, k=4)
        shuffler.shuffle(shuffled)
        other = fresh_db()
        apply(other, *shuffled)
        assert (stages(other), outcomes(other)) == expected


def test_a_payload_with_fractional_cents_is_refused_and_changes_nothing(sales, db):
    event = sales.create("d1", amount="1.005")[0]
    with pytest.raises(ValueError):
        apply(db, event)
    assert stages(db) == {}


def test_business_gauges_show_the_open_pipeline_and_drop_stages_that_emptied(sales, db):
    from prometheus_client import REGISTRY
    from services.reporting import gauges

    def gauge(name, **labels):
        return REGISTRY.get_sample_value(name, labels)
    seen = {}
    apply(db, *sales.create("g1", amount="10.50", currency="GBP"), *sales.move("g1", "proposal"),
          *sales.create("g2", amount="4.00", currency="GBP"))
    with db.read_only() as session:
        gauges.refresh_business_gauges(session, seen)
    assert gauge("crm_open_deals_by_stage", stage="proposal") == 1
    assert gauge("crm_open_pipeline_amount", currency="GBP") == 14.5
    assert gauge("crm_weighted_pipeline_amount", currency="GBP") == 5.25 + 0.4
    apply(db, *sales.move("g1", "won", T0 + 2 * DAY))
    with db.read_only() as session:
        gauges.refresh_business_gauges(session, seen)
    assert gauge("crm_open_deals_by_stage", stage="proposal") == 0     # not stale
    assert gauge("crm_open_pipeline_amount", currency="GBP") == 4.0
