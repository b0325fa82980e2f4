"""customer_fact → customer_composition and new_customers, whatever the order of delivery."""
import itertools
from datetime import timedelta

from services.reporting import inbox
from services.reporting.rollups import bucket
from tests.unit.reporting.support import T0, apply, composition, new_customers, state

B0 = bucket(T0)


def key(owner="", stage="lead", region="", value_class="", industry=""):
    return (owner, stage, region, value_class, industry)


def test_a_created_customer_counts_once_under_its_dimensions(db, customers):
    created = customers.create("c1", owner_id="u1", region="EU", value_class="A", industry="Tech")
    assert apply(db, created) == [inbox.PROCESSED]
    assert composition(db) == {key("u1", "lead", "EU", "A", "Tech"): 1}
    assert new_customers(db) == {(B0, "u1", "lead", "EU", "A", "Tech"): 1}


def test_a_duplicate_delivery_changes_nothing(db, customers):
    created = customers.create("c1", owner_id="u1")
    updated = customers.update("c1", lifecycle_stage="customer")
    assert apply(db, created, updated, created, updated) == [
        inbox.PROCESSED, inbox.PROCESSED, inbox.DUPLICATE, inbox.DUPLICATE]
    assert composition(db) == {key("u1", "customer"): 1}


def test_a_later_update_arriving_before_the_create_builds_the_row(db, customers):
    created = customers.create("c1", owner_id="u1")
    updated = customers.update("c1", lifecycle_stage="prospect", region="US")
    apply(db, updated)
    assert composition(db) == {key("u1", "prospect", "US"): 1}
    apply(db, created)                        # older: ignored, and nothing counts twice
    assert composition(db) == {key("u1", "prospect", "US"): 1}
    assert sum(new_customers(db).values()) == 1


def test_an_assignment_arriving_before_the_create_is_kept(db, customers):
    created = customers.create("c1", owner_id="u1")
    assigned = customers.assign("c1", "u2")
    apply(db, assigned)
    assert composition(db) == {}              # no record fields yet: counts nowhere
    apply(db, created)
    assert composition(db) == {key("u2"): 1}  # the create's older owner does not win


def test_reassignment_moves_the_count_between_owners(db, customers):
    apply(db, customers.create("c1", owner_id="u1"), customers.create("c2", owner_id="u1"))
    apply(db, customers.assign("c1", "u2"))
    assert composition(db) == {key("u1"): 1, key("u2"): 1}
    assert new_customers(db) == {(B0, "u1", "lead", "", "", ""): 1, (B0, "u2", "lead", "", "", ""): 1}
    apply(db, customers.assign("c1", None))
    assert composition(db) == {key("u1"): 1, key(""): 1}


def test_a_stage_change_moves_the_count_and_keeps_the_creation_bucket(db, customers):
    later = T0 + timedelta(days=3)
    apply(db, customers.create("c1", created_at=later))
    apply(db, customers.update("c1", lifecycle_stage="customer", value_class="B"))
    assert composition(db) == {key(stage="customer", value_class="B"): 1}
    assert new_customers(db) == {(bucket(later), "", "customer", "", "B", ""): 1}


def test_a_merged_customer_leaves_the_kpis_for_good(db, customers):
    apply(db, customers.create("w", owner_id="u1"), customers.create("l", owner_id="u1"))
    updated = customers.update("w", industry="Retail")
    merged = customers.merge("w", "l")
    late_update = customers.update("l", region="EU")      # cannot happen, but must not revive it
    apply(db, merged, updated, late_update)
    assert composition(db) == {key("u1", industry="Retail"): 1}
    assert sum(new_customers(db).values()) == 1


def test_a_merge_arriving_before_the_loser_exists_keeps_it_out(db, customers):
    created = customers.create("l")
    merged = customers.merge("w", "l")
    apply(db, merged, created)
    assert composition(db) == {}


def test_every_delivery_order_gives_the_same_rollups(db, customers, fresh_db):
    """The live handler and the catch-up interleave arbitrarily: all orders agree."""
    history = [
        customers.create("c1", owner_id="u1", region="EU"),
        customers.assign("c1", "u2"),
        customers.update("c1", lifecycle_stage="customer"),
        customers.create("c2", owner_id="u1"),
        customers.merge("c1", "c2"),
    ]
    apply(db, *history)
    expected = state(db)
    assert expected[0] == {key("u2", "customer", "EU"): 1}
    for order in itertools.islice(itertools.permutations(history), 0, None, 7):   # 18 of 120
        other = fresh_db()
        apply(other, *order, *reversed(order))          # and everything delivered twice
        assert state(other) == expected, order
