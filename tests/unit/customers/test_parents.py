"""Parent companies: a customer's parent exists, is visible, is not itself nor a descendant;
merged parents hand their subsidiaries to the winner; the events carry parent_id."""
import pytest

from services.chassis.errors import Invalid
from services.customers.handlers import customers, merge
from tests.unit.customers.support import ADMIN, REP_A, REP_C, call, create, events


def update(db, principal, customer_id, **changes):
    return call(db, customers.update_customer, principal, customer_id, changes)


def test_a_subsidiary_names_its_parent_on_create_and_in_its_event(people):
    group = create(people, REP_A, name="Acme Corporation")["id"]
    child = create(people, REP_A, name="Acme Labs", parent_id=group)
    assert child["parent_id"] == group
    created = [p for _, p in events(people, "customer_created") if p["id"] == child["id"]]
    assert created[0]["parent_id"] == group
    assert call(people, customers.get_customer, REP_A, child["id"], write=False)["parent_id"] == group


@pytest.mark.parametrize("parent", ["no-such-customer", "someone-elses"])
def test_an_unknown_or_unseen_parent_is_refused_and_nothing_is_stored(people, parent):
    hidden = create(people, REP_C, name="Other Region Co")["id"]
    parent_id = hidden if parent == "someone-elses" else parent
    before = len(events(people))
    with pytest.raises(Invalid) as error:
        create(people, REP_A, name="Orphan", parent_id=parent_id)
    assert "parent_id" in error.value.details
    assert len(events(people)) == before


def test_no_cycles_no_self_and_a_parent_can_be_removed(people):
    top = create(people, REP_A, name="Top")["id"]
    middle = create(people, REP_A, name="Middle", parent_id=top)["id"]
    bottom = create(people, REP_A, name="Bottom", parent_id=middle)["id"]
    for customer_id, parent_id in ((top, bottom), (top, middle), (middle, middle)):
        with pytest.raises(Invalid) as error:
            update(people, REP_A, customer_id, parent_id=parent_id)
        assert "parent_id" in error.value.details
    assert call(people, customers.get_customer, REP_A, top, write=False)["parent_id"] is None
    assert update(people, REP_A, bottom, parent_id=None)["parent_id"] is None
    changed = [p["changed"] for _, p in events(people, "customer_updated") if p["id"] == bottom]
    assert changed == [["parent_id"]]
    assert update(people, ADMIN, top, parent_id=bottom)["parent_id"] == bottom   # no cycle now


def test_a_merged_parent_hands_its_subsidiaries_to_the_winner(people):
    winner = create(people, REP_A, name="Sonron")["id"]
    loser = create(people, REP_A, name="Sonron Inc", force=True)["id"]
    child = create(people, REP_A, name="Sonron Labs", parent_id=loser)["id"]
    call(people, merge.merge_customers, REP_A, winner, loser)
    assert call(people, customers.get_customer, REP_A, child, write=False)["parent_id"] == winner
    moved = [p for _, p in events(people, "customer_updated") if p["id"] == child]
    assert moved[-1]["parent_id"] == winner and moved[-1]["changed"] == ["parent_id"]
    later = create(people, REP_A, name="Sonron Tools", parent_id=loser)      # merged id → winner
    assert later["parent_id"] == winner


def test_a_winner_that_was_the_losers_subsidiary_loses_that_parent(people):
    loser = create(people, REP_A, name="Hold Co")["id"]
    winner = create(people, REP_A, name="Hold Co Sub", parent_id=loser)["id"]
    merged = call(people, merge.merge_customers, REP_A, winner, loser)
    assert merged["parent_id"] is None
