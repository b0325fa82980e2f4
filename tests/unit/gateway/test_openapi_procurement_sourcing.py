"""Supplier selection and purchase contract routes are in the OpenAPI document with
procurement's schemas, each naming an RPC ProcurementService has, and the static
/quotations/comparison is not taken for a quotation id."""
from gateway import openapi
from gateway.routes import ROUTES, procurement_sourcing
from gateway.routing import RouteTable
from services.procurement.service import ProcurementService


def test_every_route_is_documented_with_resolvable_schemas_and_served():
    document = openapi.build(ROUTES)
    for route in procurement_sourcing.ROUTES:
        assert route.method.lower() in document["paths"][route.path], route.path
        assert callable(getattr(ProcurementService, route.rpc, None)), route.rpc
        for reference in (route.request_schema, route.response_schema):
            if reference:
                assert openapi.resolve_schema(reference) is not None, reference
    assert {"Quotation", "OfferRecord", "QuotationComparison", "QuotationChoice",
            "PurchaseContract", "PurchaseContractCreate"} <= set(document["components"]["schemas"])
    listing = document["paths"]["/api/v1/procurement/purchase-contracts"]["get"]
    assert {"supplier_id", "request_id", "status", "cursor", "limit"} <= \
        {parameter["name"] for parameter in listing["parameters"]}


def test_the_comparison_is_its_own_route():
    table = RouteTable(ROUTES)
    base = "/api/v1/procurement/purchase-requests/r-1/quotations"
    assert table.match(f"{base}/comparison", "GET")[0].rpc == "compare_quotations"
    assert table.match(base, "GET")[0].rpc == "list_quotations"
    route, values = table.match("/api/v1/procurement/quotations/q-1/offer", "PUT")
    assert (route.rpc, values) == ("record_quotation_offer", {"quotation_id": "q-1"})
