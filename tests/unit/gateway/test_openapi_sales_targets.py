"""The target routes are in the OpenAPI document with sales' schemas."""
from gateway import openapi
from gateway.routes import ROUTES, sales_targets
from gateway.routing import RouteTable


def test_every_target_route_is_documented_with_resolvable_schemas():
    document = openapi.build(ROUTES)
    for route in sales_targets.ROUTES:
        assert route.method.lower() in document["paths"][route.path], route.path
        for reference in (route.request_schema, route.response_schema):
            if reference:
                assert openapi.resolve_schema(reference) is not None, reference
    assert {"Target", "TargetSet"} <= set(document["components"]["schemas"])
    listing = document["paths"]["/api/v1/targets"]["get"]
    assert {"period_kind", "period_start", "scope", "measure", "cursor", "limit"} <= \
        {parameter["name"] for parameter in listing["parameters"]}
    assert "delete" in document["paths"]["/api/v1/targets/{target_id}"]


def test_the_routes_reach_the_sales_rpcs():
    table = RouteTable(ROUTES)
    assert table.match("/api/v1/targets", "POST")[0].rpc == "set_target"
    route, values = table.match("/api/v1/targets/t-1", "DELETE")
    assert (route.service, route.rpc, values) == ("sales", "remove_target", {"target_id": "t-1"})
