"""identity: users, teams, logins and API keys — a single-area service: entrypoints.py (the RPCs),
handlers/ (the use cases), models.py, schemas.py, events.py. Contract: docs/contracts.md#identity."""

from services.chassis.db import Database
from services.chassis.service import ChassisService
from services.identity.entrypoints import IdentityEntrypoints
from services.identity.events import EVENT_SCHEMAS
from services.identity.models import Base


class IdentityService(IdentityEntrypoints, ChassisService):
    name = "identity"
    # published before each call returns: the gateway must hear a revocation (logout, a new
    # password, deactivation) before the caller's next request, and identity's writes are few
    db = Database(Base.metadata, event_schemas=EVENT_SCHEMAS, linger=False)
