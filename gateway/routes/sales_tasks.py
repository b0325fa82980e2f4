"""Tasks and reminders (sales): tasks on a customer and/or a deal, due and overdue lists per
person (ordered by due time), completion, and the automatic follow-up rules (admin). Scope: the
assignee — a rep sees their own tasks, a manager the team's; another's task is a 404."""
from gateway.routing import BODY, QUERY, Route, path
from gateway.settings import API_PREFIX as API

TAG = "tasks"
TASK, TASK_ID = f"{API}/tasks/{{task_id}}", path("task_id")
WRITERS = ("sales_rep", "manager")              # admin always; the service checks again


def _route(method, url, rpc, **options):
    return Route(method, url, "sales", rpc, tag=TAG, **options)


ROUTES = [
    _route("GET", f"{API}/tasks", "list_tasks", args=(QUERY,), query="sales:TaskQuery",
           response_schema="sales:Task", response_page=True,
           summary="Tasks in your scope, soonest due first (overdue=true: open and past due; "
                   "due_before: an ISO time)"),
    _route("POST", f"{API}/tasks", "create_task", args=(BODY,), body="json", roles=WRITERS,
           status=201, location=f"{API}/tasks/{{id}}", request_schema="sales:TaskCreate",
           response_schema="sales:Task",
           summary="Create a task on a customer and/or a deal (assignee: default the deal's "
                   "owner, else you)"),
    _route("GET", f"{API}/tasks/mine", "my_tasks", args=(QUERY,),
           query="sales:MyTasksQuery",
           response_schema="sales:Task", response_page=True,
           summary="Your open tasks due by the end of today (UTC), overdue ones first"),
    _route("GET", f"{API}/tasks/rules", "get_task_rules", response_schema="sales:TaskRules",
           summary="The automatic follow-up rules (trigger stage:<key> or quote_sent → a task "
                   "for the deal's owner after `days`)"),
    _route("PUT", f"{API}/tasks/rules", "replace_task_rules", args=(BODY,), body="json",
           roles=("admin",), request_schema="sales:TaskRulesUpdate",
           response_schema="sales:TaskRules", summary="Replace the follow-up rules (admin)"),
    _route("GET", TASK, "get_task", args=(TASK_ID,), response_schema="sales:Task",
           summary="A task"),
    _route("PATCH", TASK, "update_task", args=(TASK_ID, BODY), body="json", roles=WRITERS,
           request_schema="sales:TaskUpdate", response_schema="sales:Task",
           summary="Change a task (title, kind, notes, due time, assignee; status open or "
                   "cancelled)"),
    _route("POST", f"{TASK}/complete", "complete_task", args=(TASK_ID,), roles=WRITERS,
           response_schema="sales:Task", summary="Mark an open task done (409 if it is not open)"),
]
