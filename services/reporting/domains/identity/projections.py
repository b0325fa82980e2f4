"""identity's users, copied from their events: managers' teams (scope) and names (labels)."""
from services.reporting.domains.identity import consumes
from services.reporting.domains.identity.models import UserCopy
from services.reporting.plugin import Projection
from services.reporting.rollups import locked_row
from services.reporting.tolerant import load


def apply_user_event(session, envelope):
    """Upsert; an event older (by identity's sequence) than the one applied changes nothing."""
    data = load(consumes.UserEvent, envelope)
    user = locked_row(session, UserCopy, {"id": data["id"]}, sequence=0, active=True)
    if user.sequence >= envelope["sequence"]:
        return
    for name in ("name", "role", "team_id", "region", "active"):
        if name in data:
            setattr(user, name, data[name])
    if envelope["event_type"] == "user_deactivated":
        user.active = False
    user.sequence = envelope["sequence"]


USERS = Projection(
    "users", {"identity": {event_type: apply_user_event for event_type in consumes.USER_EVENTS}},
    (UserCopy,))
