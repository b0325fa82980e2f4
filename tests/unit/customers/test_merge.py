import pytest

from services.chassis.errors import Conflict, Invalid, NotFound
from services.customers.handlers import (contacts, customers, interactions, merge, search, tags)
from tests.unit.customers.support import ADMIN, MANAGER, REP_A, REP_C, call, create, events


@pytest.fixture
def pair(people):
    winner = create(people, REP_A, name="Acme", phone="+49 30 1111111")["id"]
    loser = create(people, REP_A, name="ACME GmbH", email="info@acme.example", industry="Tools",
                   annual_revenue="5.00", currency="USD", force=True)["id"]
    call(people, tags.tag_customers, REP_A, [winner], ["vip"])
    call(people, tags.tag_customers, REP_A, [loser], ["vip", "partner"])
    call(people, contacts.add_contact, REP_A, loser, {"name": "Li"})
    call(people, interactions.log_interaction, REP_A, loser, {"kind": "note", "summary": "hi"})
    return people, winner, loser


def test_merge_moves_everything_and_tombstones_the_loser(pair):
    db, winner, loser = pair
    merged = call(db, merge.merge_customers, REP_A, winner, loser)
    assert merged["id"] == winner and merged["tags"] == ["partner", "vip"]
    assert merged["email"] == "info@acme.example" and merged["industry"] == "Tools"   # blanks filled
    assert merged["annual_revenue"] == "5.00" and merged["currency"] == "USD"
    assert merged["name"] == "Acme"                                                # winner's own kept
    assert [c["name"] for c in call(db, contacts.list_contacts, REP_A, winner, write=False)] == ["Li"]
    timeline = call(db, interactions.get_timeline, REP_A, winner, write=False)["items"]
    assert [item["summary"] for item in timeline] == ["hi"]

    redirected = call(db, customers.get_customer, REP_A, loser, write=False)
    assert redirected["id"] == winner and redirected["redirected_from"] == loser
    listed = call(db, search.list_customers, REP_A, {}, write=False)["items"]
    assert [item["id"] for item in listed] == [winner]

    (_, payload), = events(db, "customer_merged")
    assert payload["winner_id"] == winner and payload["loser_id"] == loser
    assert payload["contacts_moved"] == 1 and payload["interactions_moved"] == 1


def test_writes_to_the_loser_are_conflicts(pair):
    db, winner, loser = pair
    call(db, merge.merge_customers, REP_A, winner, loser)
    writes = [lambda: call(db, customers.update_customer, REP_A, loser, {"industry": "X"}),
              lambda: call(db, contacts.add_contact, REP_A, loser, {"name": "New"}),
              lambda: call(db, interactions.log_interaction, REP_A, loser,
                           {"kind": "call", "summary": "x"}),
              lambda: call(db, merge.merge_customers, REP_A, winner, loser)]
    for write in writes:
        with pytest.raises(Conflict) as error:
            write()
        assert error.value.details == {"merged_into": winner}
    with pytest.raises(NotFound):                   # someone who may not see the winner
        call(db, customers.update_customer, REP_C, loser, {"industry": "X"})
    with pytest.raises(NotFound):
        call(db, tags.tag_customers, REP_A, [loser], ["x"])


def test_the_loser_no_longer_counts_as_a_duplicate(pair):
    db, winner, loser = pair
    call(db, merge.merge_customers, REP_A, winner, loser)
    with pytest.raises(Conflict) as error:
        create(db, ADMIN, name="Other", email="info@acme.example")
    assert error.value.details["duplicate_of"] == winner


def test_chains_collapse_onto_the_final_winner(pair):
    db, winner, loser = pair
    third = create(db, REP_A, name="Acme Third")["id"]
    call(db, merge.merge_customers, REP_A, winner, loser)
    call(db, merge.merge_customers, MANAGER, third, winner)
    assert call(db, customers.get_customer, REP_A, loser, write=False)["id"] == third


def test_merge_needs_both_in_write_scope_and_two_different_ids(pair):
    db, winner, loser = pair
    foreign = create(db, REP_C, name="Foreign")["id"]
    with pytest.raises(NotFound):
        call(db, merge.merge_customers, REP_A, winner, foreign)
    with pytest.raises(NotFound):
        call(db, merge.merge_customers, REP_C, foreign, loser)
    with pytest.raises(Invalid):
        call(db, merge.merge_customers, REP_A, winner, winner)
    assert events(db, "customer_merged") == []
