"""The bulk deal import route is in the OpenAPI document (admin only, sales' schemas), and the
static /deals/import is not taken for a deal id."""
from gateway import openapi
from gateway.routes import ROUTES, sales_import
from gateway.routing import RouteTable


def test_the_deal_import_route_is_documented_admin_only_and_not_taken_for_a_deal_id():
    document = openapi.build(ROUTES)
    [route] = sales_import.ROUTES
    assert route.roles == ("admin",)
    post = document["paths"]["/api/v1/deals/import"]["post"]
    assert {"200", "403", "422"} <= set(post["responses"])
    assert {"DealImport", "DealImportResult"} <= set(document["components"]["schemas"])
    matched, values = RouteTable(ROUTES).match("/api/v1/deals/import", "POST")
    assert (matched.rpc, values) == ("import_deals", {})
