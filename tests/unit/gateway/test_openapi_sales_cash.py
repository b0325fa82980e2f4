"""The invoice and payment routes are in the OpenAPI document with sales' schemas, and the
static /invoices/overdue is not taken for an invoice id."""
import pytest

from gateway import openapi
from gateway.routes import ROUTES, sales_cash
from gateway.routing import RouteTable


@pytest.fixture(scope="module")
def document():
    return openapi.build(ROUTES)


def test_every_cash_route_is_documented_with_resolvable_schemas(document):
    for route in sales_cash.ROUTES:
        assert route.method.lower() in document["paths"][route.path], route.path
        for reference in (route.request_schema, route.response_schema):
            if reference:
                assert openapi.resolve_schema(reference) is not None, reference
    schemas = document["components"]["schemas"]
    assert {"Invoice", "InvoiceDetail", "InvoiceCreate", "PaymentCreate", "PaymentResult"} <= \
        set(schemas)
    pay = document["paths"]["/api/v1/invoices/{invoice_id}/payments"]["post"]["responses"]
    assert {"201", "404", "409", "422"} <= set(pay)


def test_issuing_says_it_takes_an_order_or_a_won_deal(document):
    """InvoiceCreate takes order_id or deal_id (exactly one): the summary said "order_id: not
    yet" after orders could be invoiced."""
    issue = document["paths"]["/api/v1/invoices"]["post"]
    assert "not yet" not in issue["summary"]
    assert "order_id" in issue["summary"] and "deal_id" in issue["summary"]
    create = document["components"]["schemas"]["InvoiceCreate"]["properties"]
    assert {"order_id", "deal_id"} <= set(create)


def test_overdue_is_its_own_route():
    table = RouteTable(ROUTES)
    route, values = table.match("/api/v1/invoices/overdue", "GET")
    assert (route.rpc, values) == ("list_overdue_invoices", {})
    route, values = table.match("/api/v1/invoices/abc", "GET")
    assert (route.rpc, values) == ("get_invoice", {"invoice_id": "abc"})
