"""customers: companies and people, their contacts, tags, interaction history and owners — a
single-area service: entrypoints.py (the RPCs and the import timer), handlers/ (the use cases),
models.py, schemas.py, events.py, consumes.py (identity's users copy and the timeline's sources).
"""
from services.chassis.db import Database
from services.chassis.inbox import Subscriptions
from services.chassis.service import ChassisService
from services.kernel.users_copy import KeepsUsersCopy
from services.customers import users_copy
from services.customers.entrypoints import CustomersEntrypoints
from services.customers.events import EVENT_SCHEMAS
from services.customers.handlers import timeline
from services.customers.models import Base


class CustomersService(CustomersEntrypoints, KeepsUsersCopy, ChassisService):
    name = "customers"
    db = Database(Base.metadata, event_schemas=EVENT_SCHEMAS, packed_events=EVENT_SCHEMAS)
    # identity's users copy: the chassis makes its live `on_user_*` handlers from `subscriptions`;
    # the refresh before a create is KeepsUsersCopy's, at most once per
    # USERS_REFRESH_MIN_INTERVAL_SECONDS per key.
    users = users_copy.users
    # marketing's and the service desk's events: the customer's timeline (handlers/timeline.py)
    subscriptions = Subscriptions({"identity": users.handlers(), **timeline.SUBSCRIPTIONS})
    # live events in batches, one ordered queue per source, each batch one transaction
    # (ChassisService.consume_events; bench/FINDINGS.md 2026-12-05: a commit per event)
