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


def test_a_probability_change_re_weights_every_deal_in_the_stage(sales, db):
    """The weighted value follows the stage's current probability (sales' board): the deals
    already in the stage are re-weighted, open or closed, the others untouched."""
    apply(db, *sales.create("d1", amount="0.35"), *sales.create("d2", amount="100.00"),
          *sales.create("d3", amount="80.00"), *sales.move("d2", "proposal"),
          *sales.move("d3", "won"))
    apply(db, *sales.configure("initial_contact", 72), *sales.configure("won", 90))
    assert stages(db) == {(B0, "u1", "initial_contact", "open", "EUR"): (1, 35, 25),   # 0.252
                          (B0, "u1", "proposal", "open", "EUR"): (1, 10000, 5000),
                          (B0, "u1", "won", "won", "EUR"): (1, 8000, 7200)}
    apply(db, *sales.create("d4", amount="1.00"))          # a new deal carries 72 itself
    assert stages(db)[(B0, "u1", "initial_contact", "open", "EUR")] == (2, 135, 97)


def test_a_configuration_heard_before_an_older_deal_event_still_applies(sales, db):
    """Live delivery out of order: the deal's older event carries the old probability, the
    stage's newer configuration wins; a deal event newer than the configuration keeps its own
    (the same, or a later configuration's)."""
    created = sales.create("d1", amount="10.00")
    configured = sales.configure("initial_contact", 50)
    stale = sales.configure("initial_contact", 20)[0] | {"sequence": 1}   # older than created
    apply(db, *configured, *created)
    assert stages(db) == {(B0, "u1", "initial_contact", "open", "EUR"): (1, 1000, 500)}
    apply(db, stale)                                          # older than what we know: ignored
    assert stages(db) == {(B0, "u1", "initial_contact", "open", "EUR"): (1, 1000, 500)}


def test_configuration_in_any_delivery_order_ends_where_the_log_order_does(sales, fresh_db):
    events = (sales.create("d1", amount="0.35") + sales.configure("initial_contact", 72)
              + sales.create("d2", amount="19.99") + sales.move("d1", "proposal")
              + sales.configure("proposal", 33) + sales.configure("initial_contact", 5)
              + sales.move("d1", "initial_contact") + sales.update("d2", amount="7.77")
              + sales.configure("initial_contact", 99))
    in_order = fresh_db()
    apply(in_order, *events)
    want = stages(in_order)
    assert want == {(B0, "u1", "initial_contact", "open", "EUR"): (2, 812, 804)}   # 35, 777 × 99 %
    for seed in range(20):
        shuffled = events[:]
        random.Random(seed).shuffle(shuffled)
        db = fresh_db()
        apply(db, *shuffled)
        assert stages(db) == want, seed
