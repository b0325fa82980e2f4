"""The survey and follow-up events of the service desk carry every field their contract agreed
(docs/contracts.md#service_desk, surveys and follow-ups — the names and fields the reporting and
customer-timeline consumers read), as plain JSON with UTC ISO times, and a consumer's tolerant
copy loads them."""
import json
from datetime import datetime, timezone

import pytest
from marshmallow import EXCLUDE

from services.service_desk.events import EVENT_SCHEMAS

T = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
IDS = {"ticket_id": "tk-1", "customer_id": "c-1"}
AGREED = {
    "survey_sent": {"survey_id": "s-1", **IDS, "sent_at": T, "resolved_at": T},
    "survey_answered": {"survey_id": "s-1", **IDS, "agent_id": "u-1", "team_id": "t-1",
                        "category": "repair", "priority": "high", "score": 75, "stars": 4,
                        "comment": "Fine", "resolved_at": T, "answered_at": T},
    "survey_escalated": {"survey_id": "s-1", **IDS, "supervisor_id": "u-sm", "score": 25,
                         "threshold": 80, "team_id": "t-1", "agent_id": "u-1",
                         "followup_id": "f-1", "escalated_at": T},
    "followup_scheduled": {"followup_id": "f-1", **IDS, "assignee_id": "u-sm", "team_id": "t-1",
                           "survey_id": "s-1", "due_at": T, "reason": "low_score",
                           "scheduled_by": "system", "scheduled_at": T},
    "followup_completed": {"followup_id": "f-1", **IDS, "assignee_id": "u-sm",
                           "reason": "low_score", "outcome": "Called", "due_at": T,
                           "completed_by": "u-sm", "completed_at": T},
    "followup_cancelled": {"followup_id": "f-1", **IDS, "assignee_id": "u-1",
                           "reason": "ticket_reopened", "cancelled_by": "system",
                           "cancelled_at": T},
    "followup_updated": {"followup_id": "f-1", **IDS, "assignee_id": "u-2",
                         "previous_assignee_id": "u-1", "due_at": T, "reason": "a_class",
                         "changed": ["assignee_id"], "updated_by": "u-sm", "updated_at": T},
}
# What the parallel consumers (reporting, the customer's timeline) were promised by name.
PROMISED = {
    "survey_sent": {"survey_id", "ticket_id", "customer_id", "sent_at"},
    "survey_answered": {"survey_id", "ticket_id", "customer_id", "agent_id", "team_id",
                        "category", "priority", "score", "comment", "answered_at"},
    "survey_escalated": {"survey_id", "ticket_id", "customer_id", "supervisor_id", "score"},
    "followup_scheduled": {"followup_id", "ticket_id", "customer_id", "assignee_id", "due_at",
                           "reason"},
    "followup_completed": {"followup_id", "ticket_id", "customer_id", "assignee_id", "outcome",
                           "completed_at"},
    "followup_cancelled": {"followup_id", "ticket_id", "customer_id", "reason"},
}


@pytest.mark.parametrize("event_type", sorted(AGREED))
def test_survey_events_carry_the_agreed_fields_as_plain_json(event_type):
    dumped = json.loads(json.dumps(EVENT_SCHEMAS[event_type].dump(AGREED[event_type])))
    assert set(dumped) == set(AGREED[event_type])
    assert PROMISED.get(event_type, set()) <= set(dumped)
    for name in {n for n in dumped if n.endswith("_at")}:
        assert dumped[name] == "2026-03-02T09:30:00+00:00"


@pytest.mark.parametrize("event_type", sorted(AGREED))
def test_a_tolerant_consumer_loads_them_with_a_field_added(event_type):
    schema = EVENT_SCHEMAS[event_type]
    wire = {**json.loads(json.dumps(schema.dump(AGREED[event_type]))), "added_later": 1}
    loaded = type(schema)().load(wire, unknown=EXCLUDE)
    assert {name: str(loaded[name]) for name in AGREED[event_type]} == {
        name: str(value) for name, value in AGREED[event_type].items()}
