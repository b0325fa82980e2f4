"""The task routes are in the OpenAPI document with sales' schemas, and the static /tasks/mine
and /tasks/rules are not taken for a task id."""
from gateway import openapi
from gateway.routes import ROUTES, sales_tasks
from gateway.routing import RouteTable


def test_every_task_route_is_documented_with_resolvable_schemas():
    document = openapi.build(ROUTES)
    for route in sales_tasks.ROUTES:
        assert route.method.lower() in document["paths"][route.path], route.path
        for reference in (route.request_schema, route.response_schema):
            if reference:
                assert openapi.resolve_schema(reference) is not None, reference
    assert {"Task", "TaskCreate", "TaskUpdate", "TaskRules", "TaskRulesUpdate"} <= \
        set(document["components"]["schemas"])
    listing = document["paths"]["/api/v1/tasks"]["get"]
    assert {"assignee_id", "status", "due_before", "overdue"} <= \
        {parameter["name"] for parameter in listing["parameters"]}


def test_mine_and_rules_are_their_own_routes():
    table = RouteTable(ROUTES)
    assert table.match("/api/v1/tasks/mine", "GET")[0].rpc == "my_tasks"
    assert table.match("/api/v1/tasks/rules", "GET")[0].rpc == "get_task_rules"
    assert table.match("/api/v1/tasks/rules", "PUT")[0].rpc == "replace_task_rules"
    route, values = table.match("/api/v1/tasks/abc", "GET")
    assert (route.rpc, values) == ("get_task", {"task_id": "abc"})
