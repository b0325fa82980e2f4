"""The quote routes are in the OpenAPI document with sales' schemas, and /quotes/{id}/send is
not taken for a quote id."""
from gateway import openapi
from gateway.routes import ROUTES, sales_documents
from gateway.routing import RouteTable


def test_every_quote_route_is_documented_with_resolvable_schemas():
    document = openapi.build(ROUTES)
    for route in sales_documents.ROUTES:
        assert route.method.lower() in document["paths"][route.path], route.path
        for reference in (route.request_schema, route.response_schema):
            if reference:
                assert openapi.resolve_schema(reference) is not None, reference
    assert {"Quote", "QuoteCreate", "QuoteUpdate"} <= set(document["components"]["schemas"])
    assert "post" in document["paths"]["/api/v1/deals/{deal_id}/quotes"]


def test_transitions_are_their_own_routes():
    table = RouteTable(ROUTES)
    route, values = table.match("/api/v1/quotes/q1/send", "POST")
    assert (route.rpc, values) == ("send_quote", {"quote_id": "q1"})
    route, values = table.match("/api/v1/quotes/q1", "PATCH")
    assert (route.rpc, values) == ("update_quote", {"quote_id": "q1"})


def test_contract_and_order_routes_are_documented():
    paths = openapi.build(ROUTES)["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/contracts"]) and "get" in paths[
        "/api/v1/contracts/{contract_id}"]
    assert {"post", "get"} <= set(paths["/api/v1/orders"]) and "get" in paths[
        "/api/v1/orders/{order_id}"]
