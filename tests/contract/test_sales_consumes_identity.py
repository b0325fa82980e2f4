"""sales' tolerant copy of identity's user events loads what identity's schemas dump."""
from datetime import datetime, timezone

import pytest

from services.identity.events import EVENT_SCHEMAS as IDENTITY_EVENTS
from services.sales.consumes import USER_EVENTS, UserEvent
from services.sales.service import SalesService

USER = {"id": "u-1", "email": "rep@example.com", "name": "Rep", "role": "sales_rep",
        "team_id": "t-1", "region": "EU", "manager_id": None, "active": True,
        "created_at": datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        "updated_at": datetime(2025, 1, 2, 3, 4, 6, tzinfo=timezone.utc)}


@pytest.mark.parametrize("event_type", USER_EVENTS)
def test_every_consumed_user_event_is_published_and_loads(event_type):
    assert event_type in IDENTITY_EVENTS, f"identity no longer publishes {event_type}"
    loaded = UserEvent().load({**IDENTITY_EVENTS[event_type].dump(USER), "added_later": 1})
    assert {key: loaded[key] for key in ("id", "role", "team_id", "region", "active")} == {
        key: USER[key] for key in ("id", "role", "team_id", "region", "active")}
    assert loaded["updated_at"] == USER["updated_at"]


def test_sales_subscribes_to_exactly_the_user_events():
    # and customers', marketing's and reporting's (tests/contract/test_sales_consumes_*.py)
    assert set(SalesService.subscriptions.mapping) == {"identity", "customers", "marketing",
                                                       "reporting"}
    assert set(SalesService.subscriptions.mapping["identity"]) == set(USER_EVENTS)
