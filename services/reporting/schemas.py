"""The schemas the gateway resolves as "reporting:<name>": every domain's report queries and
outputs (explicit imports from the domains, so the gateway's references do not depend on where
a schema lives), and the administration's own (rebuild requests, jobs)."""
from marshmallow import Schema, fields, validate

from services.reporting.domains import PROJECTIONS
from services.reporting.domains.analytics.adhoc.schemas import (  # noqa: F401  (by name)
    AdhocQuery, AdhocReport)
from services.reporting.domains.analytics.drivers.schemas import (  # noqa: F401  (resolved by name)
    OpenDealOddsQuery, OpenDealOddsReport, WinDriversQuery, WinDriversReport)
from services.reporting.domains.analytics.groups.schemas import (  # noqa: F401  (resolved by name)
    GroupMembersQuery, GroupsQuery, GroupsReport)
from services.reporting.domains.analytics.risk.schemas import (  # noqa: F401  (resolved by name)
    ChurnRiskQuery, ChurnRiskReport)
from services.reporting.domains.analytics.value.schemas import (  # noqa: F401  (resolved by name)
    LIFETIME_DIMENSIONS, REPURCHASE_DIMENSIONS, LifetimeValueQuery, LifetimeValueReport,
    RepurchaseQuery, RepurchaseReport, ValueClassesQuery, ValueClassesReport, ValueClassRule,
    ValueClassRuleSet)
from services.reporting.domains.customers.schemas import (  # noqa: F401  (resolved by name)
    CUSTOMER_DIMENSIONS, INTERACTION_DIMENSIONS, CompositionQuery, InteractionsQuery,
    NewCustomersQuery, Report, SeriesReport)
from services.reporting.domains.marketing.schemas import (  # noqa: F401  (resolved by name)
    CAMPAIGN_GROUPS, CampaignsQuery, CampaignsReport)
from services.reporting.domains.procurement.schemas import (  # noqa: F401  (resolved by name)
    SPEND_FILTERS, SPEND_GROUPS, ApprovalsQuery, CommitmentsQuery, OnTimeQuery, ProcurementReport,
    ScorecardsQuery, SpendQuery)
from services.reporting.domains.sales.forecast.schemas import (  # noqa: F401  (resolved by name)
    FORECAST_DIMENSIONS, ForecastQuery, ForecastReport)
from services.reporting.domains.sales.schemas import (  # noqa: F401  (resolved by name)
    CASH_DIMENSIONS, DEAL_OUTCOME_DIMENSIONS, DEAL_STAGE_DIMENSIONS, TARGET_MEASURES,
    TARGET_SCOPES, CashQuery, FunnelQuery, OutcomeQuery, ReceivablesQuery, ReceivablesReport,
    RevenueQuery, SalesReport, StageQuery, StageReport, TargetsQuery, TargetsReport,
    WinRateQuery)
from services.reporting.domains.service_desk.schemas import (  # noqa: F401  (resolved by name)
    BACKLOG_DIMENSIONS, SURVEY_DIMENSIONS, TICKET_DIMENSIONS, AgentsQuery, BacklogQuery,
    FollowupsQuery, SatisfactionQuery, ServiceDeskReport, TicketsQuery)
from services.reporting.schema_parts import (  # noqa: F401  (resolved by name)
    GRANULARITIES, Freshness, Input, Period, PeriodQuery, SourceFreshness, Values)

PROJECTION_NAMES = tuple(PROJECTIONS)


class RebuildRequest(Input):
    projections = fields.List(fields.String(validate=validate.OneOf(PROJECTION_NAMES + ("all",))),
                              load_default=["all"], validate=validate.Length(min=1))


class Job(Schema):
    id = fields.String()
    kind = fields.String(metadata={"description": "rebuild | reconcile"})
    params = fields.Dict()
    status = fields.String(metadata={"description": "pending | running | done | failed"})
    requested_by = fields.String()
    requested_at = fields.String()
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    result = fields.Dict(allow_none=True)
    error = fields.String(allow_none=True)
