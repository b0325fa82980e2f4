"""Sales targets (sales): set per period (month / quarter / year) for the company, a region, a
product line or a rep, with attainment (won revenue or cash collected, the target's currency
only), pace and how the parts split it. Set by managers (their team's reps, their region) and
admin; reps read their own and the company's."""
from gateway.routing import BODY, QUERY, Route, path
from gateway.settings import API_PREFIX as API

TAG = "targets"
TARGET, TARGET_ID = f"{API}/targets/{{target_id}}", path("target_id")
SETTERS = ("manager",)                          # admin always; the service checks again


def _route(method, url, rpc, **options):
    return Route(method, url, "sales", rpc, tag=TAG, **options)


ROUTES = [
    _route("GET", f"{API}/targets", "list_targets", args=(QUERY,), query="sales:TargetQuery",
           response_schema="sales:Target", response_page=True,
           summary="Targets in your scope with attainment, pace and split, newest first"),
    _route("POST", f"{API}/targets", "set_target", args=(BODY,), body="json", roles=SETTERS,
           request_schema="sales:TargetSet", response_schema="sales:Target",
           summary="Set a target (the same period, scope, measure and currency again changes "
                   "its amount); 409 when parts would exceed their parent unless "
                   "allow_exceeding_parent"),
    _route("GET", TARGET, "get_target", args=(TARGET_ID,), response_schema="sales:Target",
           summary="A target with attainment, pace (expected by now, at risk) and split"),
    _route("DELETE", TARGET, "remove_target", args=(TARGET_ID,), roles=SETTERS, status=204,
           produces="none", summary="Remove a target (emits target_removed)"),
]
