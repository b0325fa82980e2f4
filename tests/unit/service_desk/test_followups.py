"""Follow-up visits (回访, issue 12 §7) on the real service desk database (SQLite): listed
within the tickets' scopes (and the assignee's own), paginated and filtered; planned by hand
for a resolved ticket only; completed with an outcome or cancelled by the assignee or a support
manager (another agent: 403); closed is final (409); each change published once."""
from datetime import datetime, timedelta, timezone

import pytest

from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import (ADMIN, AGENT_A, AGENT_A2, AGENT_B, MARKETER,
                                             OTHER_REP, REP, SUPPORT_MANAGER, events, seeded_db)
from tests.unit.service_desk.survey_ops import (cancel, complete, create_followup,
                                                followups_of, get_followup, list_followups,
                                                resolved_ticket, update)


@pytest.fixture
def db():
    return seeded_db()


def visit_of(db, ticket_id):
    return followups_of(db, ticket_id)[-1].id


def test_the_assignee_completes_a_visit_with_its_outcome(db):
    ticket_id = resolved_ticket(db)
    visit_id = visit_of(db, ticket_id)
    done = complete(db, AGENT_A, visit_id, outcome="Called; the printer works.")
    assert (done["status"], done["outcome"]) == ("completed", "Called; the printer works.")
    [(_, payload)] = events(db, "followup_completed")
    assert {k: payload[k] for k in ("followup_id", "ticket_id", "customer_id", "assignee_id",
                                    "outcome", "completed_by")} == {
        "followup_id": visit_id, "ticket_id": ticket_id, "customer_id": "c-1",
        "assignee_id": AGENT_A.user_id, "outcome": "Called; the printer works.",
        "completed_by": AGENT_A.user_id}
    with pytest.raises(Conflict):
        complete(db, AGENT_A, visit_id, outcome="Again")
    with pytest.raises(Conflict):
        cancel(db, SUPPORT_MANAGER, visit_id, reason="Too late")
    assert len(events(db, "followup_completed")) == 1 and events(db, "followup_cancelled") == []


def test_another_agent_of_the_team_sees_it_but_may_not_close_it(db):
    visit_id = visit_of(db, resolved_ticket(db))
    assert get_followup(db, AGENT_A2, visit_id)["id"] == visit_id
    with pytest.raises(Forbidden):
        complete(db, AGENT_A2, visit_id, outcome="Not mine")
    with pytest.raises(NotFound):
        complete(db, AGENT_B, visit_id, outcome="Not my team")
    assert get_followup(db, AGENT_A, visit_id)["status"] == "scheduled"


def test_a_support_manager_cancels_with_a_reason(db):
    ticket_id = resolved_ticket(db)
    visit_id = visit_of(db, ticket_id)
    cancelled = cancel(db, SUPPORT_MANAGER, visit_id, reason="Customer asked not to be called")
    assert (cancelled["status"], cancelled["cancel_reason"]) == (
        "cancelled", "Customer asked not to be called")
    [(_, payload)] = events(db, "followup_cancelled")
    assert (payload["followup_id"], payload["reason"], payload["cancelled_by"]) == (
        visit_id, "Customer asked not to be called", SUPPORT_MANAGER.user_id)


@pytest.mark.parametrize("data, field", [({}, "outcome"), ({"outcome": "  "}, "outcome"),
                                         ({"outcome": "x" * 2001}, "outcome"),
                                         ({"outcome": "ok", "status": "done"}, "status")])
def test_a_bad_outcome_is_422_and_changes_nothing(db, data, field):
    visit_id = visit_of(db, resolved_ticket(db))
    with pytest.raises(Invalid) as refused:
        complete(db, AGENT_A, visit_id, **data)
    assert field in refused.value.details
    assert get_followup(db, AGENT_A, visit_id)["status"] == "scheduled"


def test_a_visit_by_hand_only_for_a_resolved_ticket(db):
    open_ticket = ops.create_ticket(db, AGENT_A, assignee_id=AGENT_A.user_id)["id"]
    with pytest.raises(Conflict):
        create_followup(db, AGENT_A, open_ticket)
    ticket_id = resolved_ticket(db)
    due = datetime(2026, 12, 24, 10, 0, tzinfo=timezone.utc)
    made = create_followup(db, AGENT_A, ticket_id, due_at=due.isoformat(),
                           note="Ask about the new toner")
    assert (made["reason"], made["assignee_id"], made["due_at"], made["note"]) == (
        "manual", AGENT_A.user_id, due.isoformat(), "Ask about the new toner")
    assert [p["reason"] for _, p in events(db, "followup_scheduled")] == ["a_class", "manual"]
    with pytest.raises(Invalid):
        create_followup(db, AGENT_A, ticket_id, assignee_id=AGENT_B.user_id)   # not the team
    with pytest.raises(Invalid):
        create_followup(db, AGENT_A, ticket_id, due_at="2026-12-24T10:00:00")  # naive
    with pytest.raises(NotFound):
        create_followup(db, AGENT_B, ticket_id)
    assert len(followups_of(db, ticket_id)) == 2


def test_lists_follow_the_tickets_scopes_and_filters(db):
    mine = resolved_ticket(db)
    theirs = resolved_ticket(db, principal=AGENT_B, customer_id="c-2")
    def ticket_ids(principal, **query):
        return [v["ticket_id"] for v in list_followups(db, principal, **query)["items"]]
    assert set(ticket_ids(SUPPORT_MANAGER)) == {mine, theirs} == set(ticket_ids(ADMIN))
    assert ticket_ids(AGENT_A) == [mine] and ticket_ids(AGENT_B) == [theirs]
    assert ticket_ids(REP) == [mine] and ticket_ids(OTHER_REP) == [theirs]
    assert ticket_ids(MARKETER) == []
    assert ticket_ids(SUPPORT_MANAGER, assignee_id=AGENT_B.user_id) == [theirs]
    assert ticket_ids(SUPPORT_MANAGER, customer_id="c-1", status="scheduled") == [mine]
    assert ticket_ids(SUPPORT_MANAGER, status="completed") == []
    soon = datetime.now(timezone.utc) + timedelta(days=1)
    assert ticket_ids(SUPPORT_MANAGER, due_before=soon.isoformat()) == []
    assert len(ticket_ids(SUPPORT_MANAGER, due_before=(soon + timedelta(days=7)).isoformat())) == 2
    page = list_followups(db, SUPPORT_MANAGER, limit=1)
    rest = list_followups(db, SUPPORT_MANAGER, limit=1, cursor=page["next_cursor"])
    assert {page["items"][0]["ticket_id"], rest["items"][0]["ticket_id"]} == {mine, theirs}
    assert rest["next_cursor"] is None
    with pytest.raises(Invalid):
        list_followups(db, SUPPORT_MANAGER, limit=1, cursor=page["next_cursor"], status="completed")
    with pytest.raises(Invalid):
        list_followups(db, SUPPORT_MANAGER, reason="whim")


def test_an_unknown_or_foreign_id_is_404(db):
    resolved_ticket(db)
    for bad in ("nope", "x" * 40, None, 7):
        with pytest.raises(NotFound):
            get_followup(db, SUPPORT_MANAGER, bad)


def test_a_support_manager_reassigns_and_reschedules_a_visit(db):
    visit_id = visit_of(db, resolved_ticket(db))
    due = datetime(2027, 1, 4, 9, 0, tzinfo=timezone.utc)
    moved = update(db, SUPPORT_MANAGER, visit_id, assignee_id=AGENT_A2.user_id,
                   due_at=due.isoformat())
    assert (moved["assignee_id"], moved["due_at"]) == (AGENT_A2.user_id, due.isoformat())
    [(_, payload)] = events(db, "followup_updated")
    assert (payload["previous_assignee_id"], payload["assignee_id"], payload["changed"]) == (
        AGENT_A.user_id, AGENT_A2.user_id, ["assignee_id", "due_at"])
    assert update(db, AGENT_A2, visit_id, due_at=due.isoformat()) == moved     # no change
    assert len(events(db, "followup_updated")) == 1
    with pytest.raises(Forbidden):
        update(db, AGENT_A, visit_id, note="mine again?")      # no longer its assignee
    with pytest.raises(Invalid):
        update(db, SUPPORT_MANAGER, visit_id, assignee_id=AGENT_B.user_id)   # other team
    with pytest.raises(Invalid):
        update(db, SUPPORT_MANAGER, visit_id, assignee_id=None)
    complete(db, AGENT_A2, visit_id, outcome="Done")
    with pytest.raises(Conflict):
        update(db, SUPPORT_MANAGER, visit_id, note="late")
    assert get_followup(db, SUPPORT_MANAGER, visit_id)["assignee_id"] == AGENT_A2.user_id
