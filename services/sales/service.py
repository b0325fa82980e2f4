"""sales: from a lead to cash. SalesService is composed of one mixin per business area, each in
its own package (entrypoints.py: the RPCs and timers; handlers: the use cases; models, schemas,
events):

- products/   the price list
- leads/      capture, score, assignment (round-robin per region), conversion into a customer
              (through customers) and a deal
- deals/      deals with lines, moved through a configurable pipeline with their stage history;
              the pipeline board; reporting's reconciliation of deal facts and history
- documents/  quotes, contracts and orders, numbered without gaps (the renewal and expiry timers)
- cash/       invoices and payments received, overdue detection (timer); cash facts
- tasks/      tasks, automatic follow-ups, due reminders, birthday reminders (customers' events)
- targets/    sales targets, their periods, attainment and the at-risk timer; target facts
- imports/    the bulk deal import (a dataset's deals with their stage history)

Shared by the areas: users.py (sales' copy of identity's users and round-robin owners),
scopes.py (record scopes), settings.py, and the registries models.py, events.py, schemas.py,
consumes.py. Each entrypoint: who is calling, one transaction (or a read-only session), one
handler; record-level scopes are enforced inside the handlers' queries.
"""
from services.chassis.db import Database
from services.chassis.inbox import Subscriptions
from services.chassis.service import ChassisService
from services.kernel.users_copy import KeepsUsersCopy
from services.sales.cash.entrypoints import CashEntrypoints
from services.sales.deals.entrypoints import DealEntrypoints
from services.sales.documents.entrypoints import DocumentEntrypoints
from services.sales.events import EVENT_SCHEMAS
from services.sales.imports.entrypoints import DealImportEntrypoints
from services.sales.leads.entrypoints import LeadEntrypoints
from services.sales.leads.handlers import from_campaigns
from services.sales.models import Base
from services.sales.products.entrypoints import ProductEntrypoints
from services.sales.targets.entrypoints import TargetEntrypoints
from services.sales.tasks.entrypoints import TaskEntrypoints
from services.sales.tasks.handlers import at_risk, birthdays
from services.sales.users import users as users_copy


class SalesService(ProductEntrypoints, LeadEntrypoints, DealEntrypoints, DocumentEntrypoints,
                   CashEntrypoints, TaskEntrypoints, TargetEntrypoints, DealImportEntrypoints,
                   KeepsUsersCopy, ChassisService):
    name = "sales"
    db = Database(Base.metadata, event_schemas=EVENT_SCHEMAS, packed_events=EVENT_SCHEMAS)
    # identity's users copy: its live entrypoints and the refresh before a create are the
    # kernel's (KeepsUsersCopy), at most once per USERS_REFRESH_MIN_INTERVAL_SECONDS per key.
    users = users_copy
    # customers' contacts with birthdays, and customers' owners (birthday reminders);
    # marketing's campaign responses (leads attributed to their campaign); reporting's
    # customers at risk of churning (a follow-up task for the owner)
    subscriptions = Subscriptions({"identity": users_copy.handlers(),
                                   "customers": birthdays.handlers(),
                                   "marketing": from_campaigns.handlers(),
                                   "reporting": at_risk.handlers()})
    # live events in batches, one ordered queue per source, each batch one transaction
    # (ChassisService.consume_events; bench/FINDINGS.md 2026-12-05: a commit per event)
