"""Marketing automation (marketing): rules — a catalogued event, conditions on it and on the
customer's profile, actions (tags, static lists, tasks for the owner, mail to the customer or
to a user) — and the log of their runs. Marketers and admins only (the service checks again)."""
from gateway.routes.marketing import MARKETING
from gateway.routing import BODY, QUERY, Route, path

TAG = "marketing automation"
MANAGERS = ("marketer",)
RULES = f"{MARKETING}/automation/rules"
RULE = f"{RULES}/{{rule_id}}"
RULE_ID = path("rule_id")


def _route(method, url, rpc, **options):
    return Route(method, url, "marketing", rpc, tag=TAG, roles=MANAGERS, **options)


ROUTES = [
    _route("GET", f"{MARKETING}/automation/catalogue", "get_automation_catalogue",
           response_schema="marketing:AutomationCatalogue",
           summary="What a rule may name: the trigger events with the payload fields a "
                   "condition may compare, the action types (and whether each is available "
                   "yet), the contact's fields"),
    _route("GET", RULES, "list_automation_rules", args=(QUERY,),
           query="marketing:AutomationRuleQuery", response_schema="marketing:AutomationRule",
           response_page=True, summary="Automation rules, newest first"),
    _route("POST", RULES, "create_automation_rule", args=(BODY,), body="json", status=201,
           location=f"{RULES}/{{id}}", request_schema="marketing:AutomationRuleCreate",
           response_schema="marketing:AutomationRule",
           summary="Define a rule: a trigger event, conditions (all must hold), an optional "
                   "delay and actions; disabled unless `enabled` is true. An unknown trigger, "
                   "field or action is a 422 naming it"),
    _route("GET", RULE, "get_automation_rule", args=(RULE_ID,),
           response_schema="marketing:AutomationRule", summary="A rule"),
    _route("PATCH", RULE, "update_automation_rule", args=(RULE_ID, BODY), body="json",
           request_schema="marketing:AutomationRuleUpdate",
           response_schema="marketing:AutomationRule",
           summary="Change a rule (what is given replaces what was; validated whole again)"),
    _route("POST", f"{RULE}/enable", "enable_automation_rule", args=(RULE_ID,),
           response_schema="marketing:AutomationRule",
           summary="Enable a rule: it reacts to the events that occur from now on (409 while "
                   "an action it names is not available yet)"),
    _route("POST", f"{RULE}/disable", "disable_automation_rule", args=(RULE_ID,),
           response_schema="marketing:AutomationRule",
           summary="Disable a rule: its runs not yet fired are skipped (rule_disabled)"),
    _route("GET", f"{RULE}/runs", "list_automation_runs", args=(RULE_ID, QUERY),
           query="marketing:AutomationRunQuery", response_schema="marketing:AutomationRun",
           response_page=True,
           summary="The rule's runs, newest first: one per event that triggered it — done, "
                   "skipped (condition false, contact not sendable, loop, rule disabled, no "
                   "customer), failed (with the reason) or still scheduled"),
]
