"""The diff of one observation against a record's last known state (pure)."""
from services.audit.models import CHANGED, CREATED, REMOVED
from services.audit.records import Observation, observe
from services.audit.trail import UNKNOWN, changes


def test_a_creation_is_one_entry_with_the_first_state():
    seen = Observation("customer", "c-1", {"name": "Acme", "owner_id": "u-1"}, creates=True)
    assert changes(None, seen) == [(CREATED, None, None, {"name": "Acme", "owner_id": "u-1"})]


def test_only_the_fields_that_differ_are_changes():
    before = {"name": "Acme", "region": "north", "owner_id": "u-1"}
    seen = Observation("customer", "c-1", {"name": "Acme Ltd", "region": "north",
                                           "owner_id": "u-1"}, changed=("name",))
    assert changes(before, seen) == [(CHANGED, "name", "Acme", "Acme Ltd")]


def test_a_creation_event_for_a_known_record_is_a_change():
    """target_set again for the same target changes its amount."""
    seen = Observation("target", "t-1", {"amount": "900.00", "currency": "EUR"}, creates=True)
    assert changes({"amount": "500.00", "currency": "EUR"}, seen) == [
        (CHANGED, "amount", "500.00", "900.00")]


def test_a_record_first_seen_by_a_change_has_unknown_old_values():
    stage = Observation("pipeline_stage", "proposal", {"name": "Proposal", "probability": 72},
                        changed=("probability",))
    assert changes(None, stage) == [(CHANGED, "probability", UNKNOWN, 72)]
    assigned = Observation("customer", "c-1", {"owner_id": "u-2"}, partial=True)
    assert changes(None, assigned) == [(CHANGED, "owner_id", UNKNOWN, "u-2")]


def test_an_old_value_the_event_states_is_used_when_the_record_is_new():
    moved = Observation("deal", "d-1", {"stage": "won"}, partial=True,
                        previous={"stage": "negotiation"})
    assert changes(None, moved) == [(CHANGED, "stage", "negotiation", "won")]
    assert changes({"stage": "proposal"}, moved) == [(CHANGED, "stage", "proposal", "won")]


def test_changed_fields_the_event_does_not_carry_are_recorded_without_values():
    seen = Observation("lead", "l-1", {"status": "new"}, changed=("contact_email",),
                       withheld=("contact_email",))
    assert changes({"status": "new"}, seen) == [(CHANGED, "contact_email", UNKNOWN, UNKNOWN)]


def test_a_removal_keeps_the_last_state():
    gone = Observation("target", "t-1", {}, removes=True)
    assert changes({"amount": "5.00"}, gone) == [(REMOVED, None, {"amount": "5.00"}, None)]


def test_a_new_password_is_a_change_without_values_and_no_secret_is_read():
    (seen,) = observe({"event_type": "user_tokens_revoked", "payload": {
        "user_id": "u-1", "token_version": 3, "active": True, "reason": "password_changed",
        "revoked_at": "2026-03-02T09:00:00+00:00"}})
    assert changes({"name": "Rita"}, seen) == [(CHANGED, "password", UNKNOWN, UNKNOWN)]
    assert observe({"event_type": "user_tokens_revoked", "payload": {
        "user_id": "u-1", "reason": "logout"}}) == []


def test_a_merge_tombstones_the_loser_and_retags_the_winner():
    loser, winner = observe({"event_type": "customer_merged", "payload": {
        "winner_id": "c-1", "loser_id": "c-2", "merged_at": "2026-03-02T09:00:00+00:00",
        "contacts_moved": 1, "interactions_moved": 0, "tags": ["vip", "b2b"]}})
    assert (loser.record_id, loser.values) == ("c-2", {"merged_into": "c-1"})
    assert (winner.record_id, winner.values) == ("c-1", {"tags": ["b2b", "vip"]})


def test_events_that_change_no_record_observe_nothing():
    for event_type in ("interaction_logged", "task_due", "target_at_risk",
                       "contract_renewal_due", "some_future_event"):
        assert observe({"event_type": event_type, "payload": {}}) == []
