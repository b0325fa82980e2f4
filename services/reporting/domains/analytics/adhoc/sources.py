"""The whitelist the ad-hoc report may read: each fact source, the dimensions it can group and
filter by (each a column of reporting's own tables, named here, never taken from the request),
the measures it can compute, the dates a period can be read from, and who may read it and how
it is scoped. A name not here is refused (report.py), so no request shapes a column or SQL.

Dimensions the facts do not carry would be listed in NOT_AVAILABLE with the reason (none now:
`size`, the customer's employees, is read from customer_fact in bands, as the win drivers read
it).
"""
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import case, true

from services.chassis.auth import owner_scope
from services.reporting import scoping
from services.reporting.domains.customers.models import CustomerFact
from services.reporting.domains.identity.models import UserCopy
from services.reporting.domains.identity.queries import team_member_ids
from services.reporting.domains.marketing.models import CampaignFact
from services.reporting.domains.sales.models import DealFact, DealLineFact
from services.reporting.domains.service_desk.models import TicketFact

# What each join brings in, on the source's own columns (outer: a fact without the record
# still counts, under a null dimension value).
OWNER, CUSTOMER, LINES = "owner", "customer", "lines"
NOT_AVAILABLE = {}
CLOSED = ("won", "lost")
# the customer's employees in the win drivers' bands (drivers/features.py SIZE_BANDS), named
# so a filter value needs no comma or plus sign in a URL; no size known: null
SIZE_BANDS = ((1000, "1000 or more"), (250, "250 to 999"), (50, "50 to 249"), (0, "under 50"))
SIZE_LABELS = tuple(label for _, label in reversed(SIZE_BANDS))


def _size_band(column):
    return case(*((column >= floor, label) for floor, label in SIZE_BANDS), else_=None)


@dataclass(frozen=True)
class Dimension:
    column: object
    join: str = None              # OWNER | CUSTOMER | LINES: the table the column is on
    labelled: str = None          # "user" | "product" | "campaign": a *_name beside the id


@dataclass(frozen=True)
class Measure:
    """count: distinct records; sum / avg: of `column` (money: exact cents per currency);
    rate: distinct records whose `column` is in `numerator` over those in `denominator`
    (None: all records)."""
    kind: str
    column: object = None
    money: bool = False
    numerator: tuple = ()
    denominator: tuple = None
    description: str = ""


@dataclass(frozen=True)
class Source:
    name: str
    model: object
    joins: dict                   # join name → (table, on condition)
    dimensions: dict
    measures: dict
    dates: dict                   # `dated_by` name → column (the first is the default)
    scope: Callable               # (session, principal) → condition
    roles: tuple = ()             # who may read it besides admin (empty: everyone)
    currency: object = None       # the currency column, grouped by with a money measure
    line_amount: object = None    # a money column's replacement when product lines are joined
    notes: dict = field(default_factory=dict)


def _owner_scope(column):
    return lambda session, principal: scoping.scope(session, principal, column)


def _ticket_scope(session, principal):
    """An agent: the tickets assigned to them (as the desk's reports); anyone else: the
    tickets of the customers they may see."""
    if principal.role == "agent":
        return TicketFact.assignee_id == principal.user_id
    members = team_member_ids(session, principal) if principal.role == "manager" else ()
    return owner_scope(CustomerFact.owner_id, principal, members)


def _everyone_allowed(session, principal):
    return true()


AMOUNT = "the deal amount (with a product: its line totals), per currency"
DEALS = Source(
    "deals", DealFact,
    joins={OWNER: (UserCopy, UserCopy.id == DealFact.owner_id),
           CUSTOMER: (CustomerFact, CustomerFact.id == DealFact.customer_id),
           LINES: (DealLineFact, DealLineFact.deal_id == DealFact.id)},
    dimensions={"rep": Dimension(DealFact.owner_id, labelled="user"),
                "team": Dimension(UserCopy.team_id, OWNER),
                "region": Dimension(UserCopy.region, OWNER),
                "product": Dimension(DealLineFact.product_id, LINES, labelled="product"),
                "industry": Dimension(CustomerFact.industry, CUSTOMER),
                "class": Dimension(CustomerFact.value_class, CUSTOMER),
                "size": Dimension(_size_band(CustomerFact.size), CUSTOMER),
                "stage": Dimension(DealFact.stage),
                "status": Dimension(DealFact.status),
                "currency": Dimension(DealFact.currency)},
    measures={"count": Measure("count", description="deals"),
              "amount_sum": Measure("sum", DealFact.amount_cents, money=True, description=AMOUNT),
              "amount_avg": Measure("avg", DealFact.amount_cents, money=True, description=AMOUNT),
              "win_rate": Measure("rate", DealFact.status, numerator=("won",),
                                  denominator=CLOSED, description="won / (won + lost) deals")},
    dates={"created": DealFact.created_at, "closed": DealFact.closed_at},
    scope=_owner_scope(DealFact.owner_id), currency=DealFact.currency,
    line_amount=DealLineFact.total_cents,
    notes={"region": "the owner's (as the sales reports)",
           "size": "the customer's employees: " + ", ".join(SIZE_LABELS)})

TICKETS = Source(
    "tickets", TicketFact,
    joins={CUSTOMER: (CustomerFact, CustomerFact.id == TicketFact.customer_id)},
    dimensions={"rep": Dimension(CustomerFact.owner_id, CUSTOMER, labelled="user"),
                "agent": Dimension(TicketFact.assignee_id, labelled="user"),
                "team": Dimension(TicketFact.team_id),
                "region": Dimension(CustomerFact.region, CUSTOMER),
                "industry": Dimension(CustomerFact.industry, CUSTOMER),
                "class": Dimension(CustomerFact.value_class, CUSTOMER),
                "category": Dimension(TicketFact.category),
                "channel": Dimension(TicketFact.channel),
                "priority": Dimension(TicketFact.priority),
                "status": Dimension(TicketFact.status_category)},
    measures={"count": Measure("count", description="tickets"),
              "resolution_seconds_avg": Measure("avg", TicketFact.resolution_seconds),
              "first_response_seconds_avg": Measure("avg", TicketFact.first_response_seconds),
              "resolved_rate": Measure("rate", TicketFact.status_category,
                                       numerator=("resolved",),
                                       description="resolved / all tickets")},
    dates={"created": TicketFact.created_at},
    scope=_ticket_scope,
    notes={"rep": "the customer's owner", "team": "the ticket's support team",
           "region": "the customer's"})

CUSTOMERS = Source(
    "customers", CustomerFact,
    joins={OWNER: (UserCopy, UserCopy.id == CustomerFact.owner_id)},
    dimensions={"rep": Dimension(CustomerFact.owner_id, labelled="user"),
                "team": Dimension(UserCopy.team_id, OWNER),
                "region": Dimension(CustomerFact.region),
                "industry": Dimension(CustomerFact.industry),
                "class": Dimension(CustomerFact.value_class),
                "size": Dimension(_size_band(CustomerFact.size)),
                "stage": Dimension(CustomerFact.lifecycle_stage)},
    measures={"count": Measure("count", description="customers (merged ones left out)")},
    dates={"created": CustomerFact.created_at},
    scope=lambda session, principal: (CustomerFact.merged.is_(False)
                                      & scoping.scope(session, principal,
                                                      CustomerFact.owner_id)),
    notes={"region": "the customer's", "stage": "the lifecycle stage",
           "size": "employees: " + ", ".join(SIZE_LABELS)})

CAMPAIGNS = Source(
    "campaigns", CampaignFact, joins={},
    dimensions={"campaign": Dimension(CampaignFact.id, labelled="campaign"),
                "channel": Dimension(CampaignFact.channel),
                "status": Dimension(CampaignFact.status),
                "currency": Dimension(CampaignFact.currency)},
    measures={"count": Measure("count", description="campaigns"),
              "cost_sum": Measure("sum", CampaignFact.cost_cents, money=True)},
    dates={}, scope=_everyone_allowed, roles=("marketer", "manager"),
    currency=CampaignFact.currency)

SOURCES = {source.name: source for source in (DEALS, TICKETS, CUSTOMERS, CAMPAIGNS)}
DIMENSIONS = tuple(sorted({name for source in SOURCES.values() for name in source.dimensions}
                          | {"period"}))
MEASURES = tuple(sorted({name for source in SOURCES.values() for name in source.measures}))
DATES = tuple(sorted({name for source in SOURCES.values() for name in source.dates}))
