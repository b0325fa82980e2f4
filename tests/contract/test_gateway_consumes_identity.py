"""The gateway's tolerant copy of identity's user_tokens_revoked loads what identity dumps."""
from datetime import datetime, timezone

from gateway.revocation import TokensRevoked
from services.identity.events import EVENT_SCHEMAS, USER_TOKENS_REVOKED

EVENT = {"user_id": "6f1c7c1e-0000-4000-8000-000000000001", "token_version": 3, "active": False,
         "reason": "deactivated", "revoked_at": datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)}


def test_the_revocation_event_loads_in_the_gateway():
    dumped = EVENT_SCHEMAS[USER_TOKENS_REVOKED].dump(EVENT)
    assert TokensRevoked().load(dumped) == {"user_id": EVENT["user_id"], "token_version": 3,
                                            "active": False}
    assert TokensRevoked().load({**dumped, "device": "later field"})["token_version"] == 3
