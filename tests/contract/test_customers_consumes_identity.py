"""customers' tolerant copy of identity's user events loads what identity's schemas dump."""
from datetime import datetime, timezone

import pytest

from services.customers.consumes import USER_EVENTS, UserEvent
from services.identity.events import EVENT_SCHEMAS as IDENTITY_EVENTS

USER = {"id": "6f1c7c1e-0000-4000-8000-000000000001", "email": "rep@example.com", "name": "Rep",
        "role": "sales_rep", "team_id": "6f1c7c1e-0000-4000-8000-0000000000aa", "region": "EU",
        "manager_id": None, "active": True,
        "created_at": datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        "updated_at": datetime(2025, 1, 2, 3, 4, 6, tzinfo=timezone.utc)}


@pytest.mark.parametrize("event_type", USER_EVENTS)
def test_every_consumed_user_event_is_published_and_loads(event_type):
    assert event_type in IDENTITY_EVENTS, f"identity no longer publishes {event_type}"
    dumped = IDENTITY_EVENTS[event_type].dump(USER)
    loaded = UserEvent().load(dumped)
    assert {key: loaded[key] for key in ("id", "role", "team_id", "region", "active")} == {
        key: USER[key] for key in ("id", "role", "team_id", "region", "active")}
    assert loaded["updated_at"] == USER["updated_at"]


def test_fields_identity_may_add_later_are_ignored():
    dumped = IDENTITY_EVENTS["user_updated"].dump(USER)
    assert UserEvent().load({**dumped, "phone": "+1 555 0100"})["id"] == USER["id"]
