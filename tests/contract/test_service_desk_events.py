"""The service desk's events carry every field its contract agreed (docs/contracts.md#
service_desk: a producer may add, never drop or retype), as plain JSON with UTC ISO times, and a
consumer's tolerant copy of them loads them. Bodies of replies and notes never travel."""
import json
from datetime import datetime, timezone

import pytest
from marshmallow import EXCLUDE

from services.service_desk.events import EVENT_SCHEMAS
from tests.contract.test_service_desk_kb_events import AGREED as KB_AGREED
from tests.contract.test_service_desk_sla_events import AGREED as SLA_AGREED
from tests.contract.test_service_desk_survey_events import AGREED as SURVEY_AGREED

T = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
RECORD = {"id": "tk-1", "customer_id": "c-1", "contact_id": "ct-1", "subject": "Broken",
          "category": "repair", "priority": "high", "channel": "email", "team_id": "t-1",
          "assignee_id": "u-1", "tags": ["a"], "status": "open", "status_category": "open",
          "merged_into": None, "created_by": "u-1", "created_at": T, "updated_at": T,
          "first_responded_at": T, "resolved_at": None, "closed_at": None}
AGREED = {
    "ticket_created": RECORD,
    "ticket_updated": {**RECORD, "changed": ["priority"], "changed_by": "u-1"},
    "ticket_assigned": {"ticket_id": "tk-1", "customer_id": "c-1", "team_id": "t-1",
                        "assignee_id": "u-1", "previous_team_id": None,
                        "previous_assignee_id": None, "reason": "manual",
                        "assigned_by": "u-2", "assigned_at": T},
    "ticket_status_changed": {"ticket_id": "tk-1", "customer_id": "c-1", "from_status": "open",
                              "to_status": "resolved", "from_category": "open",
                              "to_category": "resolved", "reason": "manual",
                              "changed_by": "u-1", "changed_at": T},
    "ticket_replied": {"ticket_id": "tk-1", "customer_id": "c-1", "entry_id": "e-1",
                       "author_kind": "agent", "author_id": "u-1", "first_response": True,
                       "replied_at": T},
    "ticket_note_added": {"ticket_id": "tk-1", "customer_id": "c-1", "entry_id": "e-2",
                          "author_id": "u-1", "added_at": T},
    "ticket_merged": {"source_id": "tk-2", "target_id": "tk-1", "customer_id": "c-1",
                      "entries_moved": 3, "merged_by": "u-1", "merged_at": T},
    "routing_rules_replaced": {"rules": [{"category": "billing", "channel": None,
                                          "team_id": "t-1"}],
                               "changed_by": "u-sm", "changed_at": T},
    "team_routing_changed": {"team_id": "t-1", "mode": "round_robin", "previous_mode": "manual",
                             "changed_by": "u-sm", "changed_at": T},
    "agent_availability_changed": {"user_id": "u-1", "team_id": "t-1", "away": True,
                                   "changed_by": "u-1", "changed_at": T},
}
TIMES = {"created_at", "updated_at", "first_responded_at", "assigned_at", "changed_at",
         "replied_at", "added_at", "merged_at"}


def test_every_published_event_has_an_agreed_sample():
    assert set(EVENT_SCHEMAS) == set(AGREED) | set(SLA_AGREED) | set(KB_AGREED) | set(
        SURVEY_AGREED)


@pytest.mark.parametrize("event_type", sorted(AGREED))
def test_events_carry_the_agreed_fields_as_plain_json(event_type):
    schema = EVENT_SCHEMAS[event_type]
    dumped = json.loads(json.dumps(schema.dump(AGREED[event_type])))
    assert set(dumped) == set(AGREED[event_type])
    for name in TIMES & set(dumped):
        assert dumped[name] == "2026-03-02T09:30:00+00:00"
    assert "body" not in dumped


@pytest.mark.parametrize("event_type", sorted(AGREED))
def test_a_tolerant_consumer_loads_them_with_a_field_added(event_type):
    schema = EVENT_SCHEMAS[event_type]
    wire = {**json.loads(json.dumps(schema.dump(AGREED[event_type]))), "added_later": 1}
    loaded = type(schema)().load(wire, unknown=EXCLUDE)
    assert {name: str(loaded[name]) for name in AGREED[event_type]} == {
        name: str(value) for name, value in AGREED[event_type].items()}
