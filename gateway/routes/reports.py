"""KPI reports (reporting): one GET route per report the reporting domains declare
(services/reporting/domains/<producer>/__init__.py: URL path, RPC, query and response schema),
so a new report needs no edit here. Scopes are enforced by reporting itself: a rep's report
covers only their own records. Rebuild and reconcile are admin jobs: 202 now, poll the job.

Every report is also an export, handled once here for all of them: `format=csv|xlsx` flattens
its rows (gateway/exports.py); a report with a chart (gateway/charts.py) adds `format=png|svg`.
"""
from marshmallow import fields, validate
from werkzeug.wrappers import Response

from gateway import charts, exports
from gateway.routing import Route, field, path, resolve_schema
from gateway.settings import API_PREFIX as API
from services.reporting.domains import REPORTS, PROJECTIONS

TAG = "reports"
R = f"{API}/reports"
ADMIN = ("admin",)
TABLES = {"csv": exports.CSV, "xlsx": exports.XLSX}


def _route(method, url, rpc, **options):
    options.setdefault("tag", TAG)
    return Route(method, url, "reporting", rpc, **options)


def _formats(report):
    return ("json", *TABLES, *(charts.MEDIA if report.rpc in charts.CHARTS else ()))


def _query_with_format(report):
    """The report's own query schema plus `format` (read here, never sent to reporting)."""
    base = resolve_schema(report.query_schema)
    return type(f"{base.__name__}Export", (base,), {"format": fields.String(
        load_default="json", validate=validate.OneOf(_formats(report)), metadata={
            "description": "json (default), csv or xlsx (the rows flattened: nested members "
                           "as parent.member columns; XLSX: other lists on sheets of their "
                           "own)" + (", png or svg (a chart)" if report.rpc in charts.CHARTS
                                     else "")})})


def _alternates(report):
    """The media types of its exports (parameters such as charset left to the response)."""
    return tuple(TABLES[kind].split(";")[0] if kind in TABLES else charts.MEDIA[kind]
                 for kind in _formats(report) if kind != "json")


def exported(report, payload, kind):
    """The report as asked: its JSON, or a file."""
    if kind == "json":
        return payload
    name = report.path.replace("/", "-")
    if kind in TABLES:
        body = exports.to_csv(payload) if kind == "csv" else exports.to_xlsx(payload)
        response = Response(body, content_type=TABLES[kind], headers={
            "Content-Disposition": f'attachment; filename="{name}.{kind}"'})
    else:
        response = Response(charts.render(payload, charts.CHARTS[report.rpc], kind),
                            content_type=charts.MEDIA[kind])
    response.headers["Cache-Control"] = "no-store"
    return response


def _answer(report):
    def answer(gateway, request, call):
        query = dict(call.query)
        kind = query.pop("format", "json")
        return 200, exported(report, gateway.services.call("reporting", report.rpc, query), kind)
    answer.__name__ = answer.__qualname__ = report.rpc
    return answer


ROUTES = [
    *(_route("GET", f"{R}/{report.path}", report.rpc, handler=_answer(report),
             query=_query_with_format(report), response_schema=report.response_schema,
             summary=report.summary, roles=report.roles,
             alternates=_alternates(report))
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
