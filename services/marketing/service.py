"""marketing: audiences (its own copy of customers, contacts and purchase behaviour, from
customers' and sales' events), consent and segments (issue 11). MarketingService is composed
of one mixin per business area, each in its own package:

- attribution/ sales' campaign leads and won deals credited to campaigns (first and last
             touch), from sales' events
- audience/  the copy of customers and their contacts, with tags, last interaction and purchase
             behaviour (won deals and orders); read by marketers, managers and admins
- consent/   consent per contact and channel (subscribed / unsubscribed / do-not-contact with a
             reason, source and time; its history; consent_changed) and the one rule of who
             may be sent to (consent/rules.py)
- automation/ rules: a catalogued event (automation/catalogue.py) with conditions on it and on
             the customer's profile → actions (tags, static lists, tasks, email to the contact
             with its own unsubscribe link, a notice to a user), each
             run once per (rule, event), optionally delayed, fired by a timer once across
             replicas, with loop protection and a log of runs
- campaigns/ campaigns (goal, theme, channel, budget and cost entries in exact money, dates,
             target and excluded segments, owner) through draft → scheduled → running →
             completed / cancelled (campaigns/lifecycle.py), started and completed on time by
             a timer; their audience counted from the segments' members and consent
- responses/ answers to campaigns: the public form (validated, honeypot, per-address limit)
             and responses marketers enter, matched to contacts and published for sales to
             make leads of
- tracking/  opens, clicks and unsubscribes from signed links in sent mail, bounces and
             complaints from the inbound webhook and SMTP permanent failures
- segments/  dynamic segments (rules: groups of conditions) and static lists, including and
             excluding each other; memberships kept incrementally — the contacts events
             changed are re-evaluated in the events' transaction, once per batch of events
             (segments/touched.py), relative dates when they reach their edge — with their
             history
- templates/ email templates (subject, HTML, text) with personalisation tokens rendered in a
             sandbox (templates/rendering.py), previews for a contact and test sends through
             the chassis's mail sending (services/chassis/mail.py)
- sending/   a campaign's email broadcast, once per contact: the recipients snapshotted as
             (campaign, contact) rows, batches released at the configured rate as messages
             on RabbitMQ to any replica, each recipient claimed before it is sent; an SMTP
             outage makes the send wait and resume (sending/batches.py says how, and where
             the one window is)

Shared: roles.py (who may do what), settings.py, and the registries models.py, events.py,
schemas.py, consumes.py. Events are applied exactly once through the chassis's inbox, live and
by the catch-up; rebuild.py empties the copy so the catch-up replays it.
"""
from services.chassis.db import Database
from services.chassis.inbox import Subscriptions
from services.chassis.service import ChassisService
from services.marketing.attribution import projection as attribution
from services.marketing.audience import prepared, projection
from services.marketing.audience.entrypoints import AudienceEntrypoints
from services.marketing.automation.entrypoints import AutomationEntrypoints
from services.marketing.automation.handlers import triggering
from services.marketing.campaigns.entrypoints import CampaignEntrypoints
from services.marketing.consent.entrypoints import ConsentEntrypoints
from services.marketing.responses.entrypoints import ResponseEntrypoints
from services.marketing.segments import touched
from services.marketing.segments.entrypoints import SegmentEntrypoints
from services.marketing.sending.entrypoints import SendingEntrypoints
from services.marketing.tracking.entrypoints import TrackingEntrypoints
from services.marketing.templates.entrypoints import TemplateEntrypoints
from services.marketing.events import EVENT_SCHEMAS, PACKED_EVENTS
from services.marketing.models import Base


class MarketingService(AudienceEntrypoints, ConsentEntrypoints, SegmentEntrypoints,
                       CampaignEntrypoints, ResponseEntrypoints, AutomationEntrypoints,
                       TemplateEntrypoints, TrackingEntrypoints, SendingEntrypoints,
                       ChassisService):
    name = "marketing"
    db = Database(Base.metadata, event_schemas=EVENT_SCHEMAS, packed_events=PACKED_EVENTS)
    # The contacts an event changed have their segments re-evaluated when its unit of work
    # ends, once for all of them: once per batch, not per event (segments/touched.py).
    # A unit locks its events' customers first, in id order (audience/rows.py lock_first), then
    # makes its new customers and owners in a few statements (audience/prepared.py).
    subscriptions = Subscriptions(triggering.with_triggers(
        attribution.with_attribution(projection.handlers(after=touched.after_event))),
        lock_first=prepared.lock_first)
    # Live events in batches, one queue per producer (`evt-<source>--marketing.batch`, in the
    # producer's order), each batch one transaction through the chassis's inbox: a bulk
    # import's two events per row were two transactions and two evaluations (bench/FINDINGS.md).
