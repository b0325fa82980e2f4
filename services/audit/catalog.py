"""What audit consumes: every event type of identity, customers and sales (their contracts'
EVENT_SCHEMAS), so each live event can move the consumer position and the next one can be
applied live in order (services/audit/ordering.py); the types that change no record are
no-ops (services/audit/records.py READERS). identity's user events also keep the users copy
(actors' names, managers' teams)."""
from services.audit import trail
from services.audit.models import UserCopy
from services.customers.events import EVENT_SCHEMAS as CUSTOMERS
from services.identity.events import EVENT_SCHEMAS as IDENTITY
from services.kernel.users_copy import USER_EVENTS, UsersCopy
from services.sales.events import EVENT_SCHEMAS as SALES

PRODUCERS = {"identity": IDENTITY, "customers": CUSTOMERS, "sales": SALES}
users = UsersCopy(UserCopy)


def _user_and_trail(uow, envelope):
    users.apply_user_event(uow, envelope)
    trail.apply(uow, envelope)


def handlers():
    """{source: {event_type: apply(uow, envelope)}} for the chassis's Subscriptions."""
    return {source: {event_type: _user_and_trail if event_type in USER_EVENTS else trail.apply
                     for event_type in schemas}
            for source, schemas in PRODUCERS.items()}
