"""Small helpers shared by identity's unit tests."""
import json

from sqlalchemy import select

from services.chassis.auth import Principal
from services.chassis.models import OutboxEvent

PASSWORD = "correct horse battery"
ADMIN = Principal(user_id="root", role="admin")


def principal_of(user):
    return Principal(user_id=user["id"], role=user["role"], team_id=user["team_id"],
                     region=user["region"])


def events(db):
    """[(event_type, payload)] in sequence order, as committed to the outbox."""
    with db.read_only() as session:
        rows = session.execute(select(OutboxEvent.event_type, OutboxEvent.payload)
                               .order_by(OutboxEvent.sequence)).all()
    return [(event_type, json.loads(payload)) for event_type, payload in rows]
