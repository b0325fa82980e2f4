"""service_desk: tickets (issue 12). ServiceDeskService is composed of one mixin per business
area, each in its own package:

- directory/  its copy of customers (name, email, owner, value class), their contact persons,
              from customers' events, and of identity's users (agents, teams) from identity's —
              who a ticket is about, who may be assigned it, which tickets a sales rep sees
- tickets/    tickets with their status flow (tickets/statuses.py), public replies and internal
              notes, full history, merging duplicates; the scopes (tickets/scopes.py)
- routing/    a new ticket's team from rules (category / channel) and its agent from the team's
              mode (round robin or least loaded over the agents who are not away), fair across
              replicas (routing/assign.py); agents' availability
- sla/        business-hours calendars and the SLA clock of each ticket (first response,
              resolution, update targets; pauses), policies per priority and value class, the
              timer firing warnings (75 %) and breaches (escalation) once across replicas
- email_channel/  email in and out: the inbound webhook (raw RFC 5322 → a new ticket or a reply
              threaded by In-Reply-To / References / the subject's ticket token, duplicates
              ignored) and agents' public replies mailed through services/chassis/mail.py from
              an outbox row and a retrying timer
- knowledge/  the knowledge base: Markdown articles rendered to safe HTML, draft / published,
              full-text search (Chinese by characters, on SQLite and PostgreSQL alike), "was
              this helpful", suggestions for a ticket and an article linked as its solution
- surveys/    satisfaction surveys: one per resolution, mailed with a signed link through the
              email channel's outbox; the public answer (score 0–100 or 1–5 stars, comment,
              the first answer wins); a score below the threshold escalates to the supervisor
- followups/  follow-up visits (回访) after a resolution — A-class customers, low scores, or by
              hand — assigned, listed within the tickets' scopes, completed or cancelled

Shared: roles.py (who may do what), settings.py, metrics.py, and the registries models.py,
events.py, schemas.py, consumes.py. Events are applied exactly once through the chassis's
inbox, live and by the catch-up; every change of a ticket is published (tickets/events.py).
"""
from services.chassis.db import Database
from services.chassis.inbox import Subscriptions
from services.chassis.service import ChassisService
from services.kernel.users_copy import KeepsUsersCopy
from services.service_desk.directory import projection
from services.service_desk.directory.users import users as users_copy
from services.service_desk.email_channel.entrypoints import EmailEntrypoints
from services.service_desk.events import EVENT_SCHEMAS
from services.service_desk.followups.entrypoints import FollowupEntrypoints
from services.service_desk.knowledge.entrypoints import KnowledgeEntrypoints
from services.service_desk.models import Base
from services.service_desk.routing.entrypoints import RoutingEntrypoints
from services.service_desk.sla.entrypoints import SlaEntrypoints
from services.service_desk.surveys.entrypoints import SurveyEntrypoints
from services.service_desk.tickets.entrypoints import TicketEntrypoints
from services.service_desk.tickets.handlers.merge import move_customer_tickets


class ServiceDeskService(TicketEntrypoints, RoutingEntrypoints, SlaEntrypoints, EmailEntrypoints,
                         KnowledgeEntrypoints, SurveyEntrypoints, FollowupEntrypoints,
                         KeepsUsersCopy, ChassisService):
    name = "service_desk"
    db = Database(Base.metadata, event_schemas=EVENT_SCHEMAS, packed_events=EVENT_SCHEMAS)
    users = users_copy
    # a unit's new customers and owners made in a few statements first (directory/projection.py)
    subscriptions = Subscriptions({"customers": projection.handlers(move_customer_tickets),
                                   "identity": users_copy.handlers()},
                                  lock_first=projection.lock_first)
    # live events in batches, one ordered queue per source, each batch one transaction
    # (ChassisService.consume_events; bench/FINDINGS.md 2026-12-05: a commit per event)
