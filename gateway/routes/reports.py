"""KPI reports (reporting). Scopes are enforced by reporting itself: a rep's report covers only
their own records. Rebuild and reconcile are admin jobs: 202 now, poll the job."""
from gateway.routing import QUERY, Route, field, path
from gateway.settings import API_PREFIX as API

TAG = "reports"
R = f"{API}/reports"
CUSTOMER_FILTERS = {"owner_id": "list", "lifecycle_stage": "list", "region": "list",
                    "value_class": "list", "industry": "list"}
PERIOD = {"from": "str", "to": "str", "tz": "str", "granularity": "str"}
ADMIN = ("admin",)
DEAL_FILTERS = {"owner_id": "list", "currency": "list"}
CUT_FILTERS = {"team_id": "list", "region": "list", "product_id": "list"}
STAGE_QUERY = {"from": "str", "to": "str", "tz": "str", "owner_id": "list", "team_id": "list",
               "region": "list"}


def _route(method, url, rpc, **options):
    options.setdefault("tag", TAG)
    return Route(method, url, "reporting", rpc, **options)


ROUTES = [
    _route("GET", f"{R}/customers/composition", "customer_composition", args=(QUERY,),
           query={"group_by": "list", **CUSTOMER_FILTERS},
           response_schema="reporting:Report",
           summary="Customers now by lifecycle_stage, region, value_class, industry, owner_id "
                   "(group_by any of them; filters take comma-separated values)"),
    _route("GET", f"{R}/customers/new", "new_customers", args=(QUERY,),
           query={**PERIOD, "group_by": "list", **CUSTOMER_FILTERS},
           response_schema="reporting:SeriesReport",
           summary="New customers per day, week or month of a period (from/to: local dates, "
                   "tz: IANA zone; default the last 30 days in UTC)"),
    _route("GET", f"{R}/interactions", "interaction_activity", args=(QUERY,),
           query={**PERIOD, "group_by": "list", "user_id": "list", "kind": "list",
                  "owner_id": "list"},
           response_schema="reporting:SeriesReport",
           summary="Interactions per rep (user_id) and kind per period; owner_id is the "
                   "customer's owner when the interaction was logged"),
    _route("GET", f"{R}/sales/funnel", "sales_funnel", args=(QUERY,),
           query={"from": "str", "to": "str", "tz": "str", "group_by": "list", "stage": "list",
                  "status": "list", **DEAL_FILTERS},
           response_schema="reporting:SalesReport",
           summary="Deals now by stage (group_by stage, owner_id, status): count, value and "
                   "weighted value per currency; status=open is the open pipeline; from/to "
                   "select deals created then (local dates in tz), default all"),
    _route("GET", f"{R}/sales/win-rate", "sales_win_rate", args=(QUERY,),
           query={**PERIOD, "group_by": "list", **DEAL_FILTERS, **CUT_FILTERS},
           response_schema="reporting:SalesReport",
           summary="Deals won, lost and won / closed per period of closing (group_by owner_id "
                   "(default), team_id, region (the owner's), product_id (deals containing "
                   "it); granularity day/week/month/quarter/year/total)"),
    _route("GET", f"{R}/sales/revenue", "sales_revenue", args=(QUERY,),
           query={**PERIOD, "group_by": "list", **DEAL_FILTERS, **CUT_FILTERS},
           response_schema="reporting:SalesReport",
           summary="Won amount per period of closing and currency (group_by owner_id, team_id, "
                   "region, product_id: the product's line totals), with average deal size "
                   "and average sales cycle (created → won)"),
    _route("GET", f"{R}/sales/stage-conversion", "sales_stage_conversion", args=(QUERY,),
           query=STAGE_QUERY, response_schema="reporting:StageReport",
           summary="Of the deals that entered each stage, how many moved to each other stage "
                   "next and how many reached it ever (deals created from/to, local dates in "
                   "tz; default all)"),
    _route("GET", f"{R}/sales/time-in-stage", "sales_time_in_stage", args=(QUERY,),
           query=STAGE_QUERY, response_schema="reporting:StageReport",
           summary="Average and median time deals spent in each stage (completed stays, from "
                   "the stage changes' business times) and the sales cycle (first stage "
                   "entered → closed)"),
    _route("GET", f"{R}/sales/cash", "sales_cash", args=(QUERY,),
           query={**PERIOD, "group_by": "list", "owner_id": "list", "team_id": "list",
                  "region": "list", "currency": "list"},
           response_schema="reporting:SalesReport",
           summary="Invoiced (by issue date) vs collected (by payment date) per period and "
                   "currency (group_by owner_id, team_id, region)"),
    _route("GET", f"{R}/sales/receivables", "sales_receivables", args=(QUERY,),
           query={"as_of": "str", "tz": "str", "group_by": "list", "owner_id": "list",
                  "team_id": "list", "region": "list", "currency": "list", "limit": "int"},
           response_schema="reporting:ReceivablesReport",
           summary="Open balances on a date (as_of, default today in tz) per currency, overdue "
                   "ones aged 1-30 / 31-60 / 61-90 / 90+ days past due, and the overdue "
                   "invoices (most overdue first, up to limit)"),
    _route("GET", f"{R}/sales/targets", "sales_targets", args=(QUERY,),
           query={"period_kind": "str", "period_start": "str", "scope": "list",
                  "measure": "list", "tz": "str"},
           response_schema="reporting:TargetsReport",
           summary="Targets of a period (period_kind month/quarter/year, period_start) with "
                   "their attainment: won_revenue from won deals, cash_collected from payments"),
    _route("GET", f"{R}/freshness", "get_freshness", response_schema="reporting:Freshness",
           summary="How far behind the events the reports are (every report also carries this)"),
    _route("POST", f"{R}/rebuild", "request_rebuild", args=(field("projections"),), body="json",
           body_schema="reporting:RebuildRequest", roles=ADMIN, status=202,
           location=f"{R}/jobs/{{id}}", response_schema="reporting:Job",
           summary="Rebuild projections (users, customers, interactions, deals, cash, targets or "
                   "all) from the "
                   "producers' event logs; admin; poll the job"),
    _route("POST", f"{R}/reconcile", "request_reconcile", roles=ADMIN, status=202,
           location=f"{R}/jobs/{{id}}", response_schema="reporting:Job",
           summary="Recompute every KPI from the producers' own data and list differences; "
                   "admin; poll the job"),
    _route("GET", f"{R}/jobs/{{job_id}}", "get_job", args=(path("job_id"),), roles=ADMIN,
           response_schema="reporting:Job", summary="A rebuild or reconcile job (admin)"),
]
