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
from gateway.routing import BODY, Route, field, path, resolve_schema
from gateway.settings import API_PREFIX as API
from services.reporting.domains import REPORTS, PROJECTIONS

TAG = "reports"
R = f"{API}/reports"
ADMIN = ("admin",)
MANAGERS = ("manager",)                     # admin always; reporting checks again
GROUP_TO_SEGMENT = ("manager", "marketer")  # marketing checks again (roles.FROM_GROUP)
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
    Route("POST", f"{R}/customers/groups/{{group}}/segment", "marketing",
          "create_segment_from_customer_group", args=(path("group"), BODY), body="json",
          roles=GROUP_TO_SEGMENT, status=201, location=f"{API}/marketing/segments/{{id}}",
          request_schema="marketing:GroupSegmentRequest", response_schema="marketing:Segment",
          errors=(404, 409), tag=TAG,
          summary="Make a customer group a marketing segment: a static list of the contacts "
                  "of the group's customers in the caller's scope, as the groups report names "
                  "them with the same as_of, tz and months (a snapshot: groups are recomputed "
                  "from the data); named after the group's description and as-of day; 404: no "
                  "such group; 409: the group's description is no longer the one sent, or a "
                  "segment of that name exists"),
    _route("GET", f"{R}/customers/value-classes/rule", "get_value_class_rule", roles=MANAGERS,
           response_schema="reporting:ValueClassRule",
           summary="The caller's value-class rule (a manager's: the team's; an admin's: the "
                   "company's) and its last pass"),
    _route("PUT", f"{R}/customers/value-classes/rule", "set_value_class_rule", args=(BODY,),
           body="json", roles=MANAGERS, request_schema="reporting:ValueClassRuleSet",
           response_schema="reporting:ValueClassRule",
           summary="Turn the value-class rule on or off and say what it applies (all, upgrades, "
                   "unclassified): a periodic pass then applies the suggested classes through "
                   "the customers service, as the actor value_class_rule; a team's rule, on or "
                   "off, takes precedence over the company's for its customers"),
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
