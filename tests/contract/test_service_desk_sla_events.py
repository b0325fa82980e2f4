"""The SLA events of the service desk carry every field their contract agreed (docs/contracts.md#
service_desk, SLA), as plain JSON with UTC ISO times (dates as ISO dates), and a consumer's
tolerant copy loads them."""
import json
from datetime import date, datetime, timezone

import pytest
from marshmallow import EXCLUDE

from services.service_desk.events import EVENT_SCHEMAS

T = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
ALARM = {"ticket_id": "tk-1", "customer_id": "c-1", "team_id": "t-1", "assignee_id": None,
         "target": "first_response", "due_at": T, "priority": "high", "occurred_at": T}
AGREED = {
    "ticket_sla_warning": ALARM,
    "ticket_sla_breached": {**ALARM, "previous_priority": "medium", "escalated": True},
    "sla_calendar_set": {"id": "default", "name": "Office", "time_zone": "Europe/Berlin",
                         "week": {"mon": [["09:00", "12:00"], ["13:00", "18:00"]]},
                         "holidays": [date(2026, 12, 25)], "updated_by": "u-1", "updated_at": T},
    "sla_policy_set": {"priority": "urgent", "value_class": "A", "first_response_seconds": 900,
                       "resolution_seconds": 3600, "update_every_seconds": None,
                       "calendar_id": "default", "updated_by": "u-1", "updated_at": T},
}
TIMES = {"due_at", "occurred_at", "updated_at"}


@pytest.mark.parametrize("event_type", sorted(AGREED))
def test_sla_events_carry_the_agreed_fields_as_plain_json(event_type):
    dumped = json.loads(json.dumps(EVENT_SCHEMAS[event_type].dump(AGREED[event_type])))
    assert set(dumped) == set(AGREED[event_type])
    for name in TIMES & set(dumped):
        assert dumped[name] == "2026-03-02T09:30:00+00:00"
    if "holidays" in dumped:
        assert dumped["holidays"] == ["2026-12-25"]


@pytest.mark.parametrize("event_type", sorted(AGREED))
def test_a_tolerant_consumer_loads_them_with_a_field_added(event_type):
    schema = EVENT_SCHEMAS[event_type]
    wire = {**json.loads(json.dumps(schema.dump(AGREED[event_type]))), "added_later": 1}
    loaded = type(schema)().load(wire, unknown=EXCLUDE)
    assert {name: str(loaded[name]) for name in AGREED[event_type]} == {
        name: str(value) for name, value in AGREED[event_type].items()}
