"""What audit consumes: every event type of every service that publishes events — the services
of services/registry.py with a non-empty `services.<name>.events.EVENT_SCHEMAS` (their
contracts), audit itself aside (it publishes none) — so a new producer is consumed without a
change here, and tests/contract/test_audit_consumes.py fails until records.py says what each
of its event types records. Each live event moves the consumer position so the next one can be
applied live in order (services/audit/ordering.py); the types that change no record are no-ops
(services/audit/records.py READERS). identity's user events also keep the users copy (actors'
names, managers' and agents' teams)."""
import importlib

from services import registry
from services.audit import trail
from services.audit.models import UserCopy
from services.kernel.users_copy import USER_EVENTS, UsersCopy

SELF = "audit"


def producers():
    """{source: EVENT_SCHEMAS} of every registered service that publishes, in the registry's
    order."""
    found = {}
    for service in registry.SERVICES:
        if service.name == SELF:
            continue
        try:
            events = importlib.import_module(f"services.{service.name}.events")
        except ModuleNotFoundError as missing:      # the gateway: no events module
            if missing.name not in (f"services.{service.name}", f"services.{service.name}.events"):
                raise               # an events module that fails to import is not "none"
            continue
        if getattr(events, "EVENT_SCHEMAS", None):
            found[service.name] = events.EVENT_SCHEMAS
    return found


PRODUCERS = producers()
users = UsersCopy(UserCopy)


def _user_and_trail(uow, envelope):
    users.apply_user_event(uow, envelope)
    trail.apply(uow, envelope)


def handlers():
    """{source: {event_type: apply(uow, envelope)}} for the chassis's Subscriptions."""
    return {source: {event_type: _user_and_trail if event_type in USER_EVENTS else trail.apply
                     for event_type in schemas}
            for source, schemas in PRODUCERS.items()}
