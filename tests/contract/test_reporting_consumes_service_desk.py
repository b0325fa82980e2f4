"""reporting's tolerant copies of the service desk's ticket, SLA, survey and follow-up events
load what the
service desk's own schemas dump, through JSON as the broker carries them — the SLA measures
included, and an event without them (an older producer) too; reporting subscribes to exactly
these."""
import json
from datetime import datetime, timezone

import pytest

from services.reporting.domains.service_desk import consumes
from services.reporting.domains.service_desk.projections import SURVEYS, TICKETS
from services.reporting.inbox import SUBSCRIPTIONS
from services.service_desk.events import EVENT_SCHEMAS as DESK_EVENTS

T = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SLA = {"first_response_seconds": 1800, "first_response_status": "fulfilled",
       "resolution_seconds": None, "resolution_status": "running"}
RECORD = {"id": "tk-1", "customer_id": "c-1", "contact_id": None, "subject": "Printer",
          "category": "hardware", "priority": "high", "channel": "email", "team_id": "t-1",
          "assignee_id": "u-1", "tags": ["a"], "status": "open", "status_category": "open",
          "merged_into": None, "created_by": "u-1", "created_at": T, "updated_at": T,
          "first_responded_at": T, "resolved_at": None, "closed_at": None, "sla": SLA}
SAMPLES = {
    "ticket_created": (consumes.TicketRecord, RECORD),
    "ticket_updated": (consumes.TicketRecord, {**RECORD, "changed": ["priority"],
                                               "changed_by": "u-1"}),
    "ticket_assigned": (consumes.TicketAssigned, {
        "ticket_id": "tk-1", "customer_id": "c-1", "team_id": "t-1", "assignee_id": "u-1",
        "previous_team_id": None, "previous_assignee_id": None, "reason": "round_robin",
        "assigned_by": "u-1", "assigned_at": T}),
    "ticket_status_changed": (consumes.TicketStatusChanged, {
        "ticket_id": "tk-1", "customer_id": "c-1", "from_status": "resolved",
        "to_status": "open", "from_category": "resolved", "to_category": "open",
        "reason": "customer_reply", "changed_by": "u-1", "changed_at": T, "sla": SLA}),
    "ticket_replied": (consumes.TicketReplied, {
        "ticket_id": "tk-1", "customer_id": "c-1", "entry_id": "e-1", "author_kind": "agent",
        "author_id": "u-1", "first_response": True, "replied_at": T, "sla": SLA}),
    "ticket_sla_breached": (consumes.TicketSlaBreached, {
        "ticket_id": "tk-1", "customer_id": "c-1", "team_id": "t-1", "assignee_id": "u-1",
        "target": "first_response", "due_at": T, "priority": "urgent", "occurred_at": T,
        "previous_priority": "high", "escalated": True}),
    "survey_answered": (consumes.SurveyAnswered, {
        "survey_id": "sv-1", "ticket_id": "tk-1", "customer_id": "c-1", "agent_id": "u-1",
        "team_id": "t-1", "category": "repair", "priority": "high", "score": 75, "stars": 4,
        "comment": "fine", "resolved_at": T, "answered_at": T}),
    "followup_scheduled": (consumes.FollowupScheduled, {
        "followup_id": "f-1", "ticket_id": "tk-1", "customer_id": "c-1", "assignee_id": "u-1",
        "team_id": "t-1", "survey_id": "sv-1", "due_at": T, "reason": "low_score",
        "scheduled_by": "system", "scheduled_at": T}),
    "followup_updated": (consumes.FollowupUpdated, {
        "followup_id": "f-1", "ticket_id": "tk-1", "customer_id": "c-1", "assignee_id": "u-2",
        "previous_assignee_id": "u-1", "due_at": T, "reason": "low_score",
        "changed": ["assignee_id", "due_at"], "updated_by": "u-sm", "updated_at": T}),
    "followup_completed": (consumes.FollowupCompleted, {
        "followup_id": "f-1", "ticket_id": "tk-1", "customer_id": "c-1", "assignee_id": "u-1",
        "reason": "low_score", "outcome": "happy", "due_at": T, "completed_by": "u-1",
        "completed_at": T}),
    "followup_cancelled": (consumes.FollowupCancelled, {
        "followup_id": "f-1", "ticket_id": "tk-1", "customer_id": "c-1", "assignee_id": "u-1",
        "reason": "ticket_reopened", "cancelled_by": "system", "cancelled_at": T}),
}


def test_reporting_subscribes_to_these_service_desk_events_and_they_exist():
    assert set(SUBSCRIPTIONS.mapping["service_desk"]) == set(SAMPLES)
    assert set(SAMPLES) <= set(DESK_EVENTS)
    assert set(TICKETS.event_types()) | set(SURVEYS.event_types()) == {
        ("service_desk", name) for name in SAMPLES}


@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_producer_events_load_into_reportings_copies(event_type):
    schema, sample = SAMPLES[event_type]
    wire = json.loads(json.dumps(DESK_EVENTS[event_type].dump(sample)))
    loaded = schema().load({**wire, "added_later": "ignored"})
    for name in schema().fields:
        assert loaded[name] == sample[name], name
    if "sla" in wire:
        older = schema().load({name: value for name, value in wire.items() if name != "sla"})
        assert older["sla"] is None
