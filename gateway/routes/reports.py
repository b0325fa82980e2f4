"""KPI reports (reporting): one GET route per report the reporting domains declare
(services/reporting/domains/<producer>/__init__.py: URL path, RPC, query and response schema),
so a new report needs no edit here. Scopes are enforced by reporting itself: a rep's report
covers only their own records. Rebuild and reconcile are admin jobs: 202 now, poll the job."""
from gateway.routing import QUERY, Route, field, path
from gateway.settings import API_PREFIX as API
from services.reporting.domains import REPORTS, PROJECTIONS

TAG = "reports"
R = f"{API}/reports"
ADMIN = ("admin",)


def _route(method, url, rpc, **options):
    options.setdefault("tag", TAG)
    return Route(method, url, "reporting", rpc, **options)


ROUTES = [
    *(_route("GET", f"{R}/{report.path}", report.rpc, args=(QUERY,), query=report.query_schema,
             response_schema=report.response_schema, summary=report.summary,
             roles=report.roles)
      for report in REPORTS.values()),
    _route("GET", f"{R}/freshness", "get_freshness", response_schema="reporting:Freshness",
           summary="How far behind the events the reports are (every report also carries this)"),
    _route("POST", f"{R}/rebuild", "request_rebuild", args=(field("projections"),), body="json",
           body_schema="reporting:RebuildRequest", roles=ADMIN, status=202,
           location=f"{R}/jobs/{{id}}", response_schema="reporting:Job",
           summary=f"Rebuild projections ({', '.join(PROJECTIONS)} or all) from the producers' "
                   "event logs; admin; poll the job"),
    _route("POST", f"{R}/reconcile", "request_reconcile", roles=ADMIN, status=202,
           location=f"{R}/jobs/{{id}}", response_schema="reporting:Job",
           summary="Recompute every KPI from the producers' own data and list differences; "
                   "admin; poll the job"),
    _route("GET", f"{R}/jobs/{{job_id}}", "get_job", args=(path("job_id"),), roles=ADMIN,
           response_schema="reporting:Job", summary="A rebuild or reconcile job (admin)"),
]
