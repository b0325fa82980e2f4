"""marketing: audiences (its own copy of customers, contacts and purchase behaviour, from
customers' and sales' events), consent and segments (issue 11). MarketingService is composed
of one mixin per business area, each in its own package:

- audience/  the copy of customers and their contacts, with tags, last interaction and purchase
             behaviour (won deals and orders); read by marketers, managers and admins
- consent/   consent per contact and channel (subscribed / unsubscribed / do-not-contact with a
             reason, source and time; its history; consent_changed) and the one rule of who
             may be sent to (consent/rules.py)

Shared: roles.py (who may do what), settings.py, and the registries models.py, events.py,
schemas.py, consumes.py. Events are applied exactly once through the chassis's inbox, live and
by the catch-up; rebuild.py empties the copy so the catch-up replays it.
"""
from services.chassis.db import Database
from services.chassis.inbox import Subscriptions
from services.chassis.service import ChassisService
from services.marketing.audience import projection
from services.marketing.audience.entrypoints import AudienceEntrypoints
from services.marketing.consent.entrypoints import ConsentEntrypoints
from services.marketing.events import EVENT_SCHEMAS
from services.marketing.models import Base


class MarketingService(AudienceEntrypoints, ConsentEntrypoints, ChassisService):
    name = "marketing"
    db = Database(Base.metadata, event_schemas=EVENT_SCHEMAS)
    subscriptions = Subscriptions(projection.handlers())
