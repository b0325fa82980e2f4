"""The OpenAPI document is structurally sound and covers every route."""
import importlib
import re

import pytest

from gateway import openapi
from gateway.routes import ROUTES
from services import registry


@pytest.fixture(scope="module")
def document():
    return openapi.build(ROUTES)


def walk_refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from walk_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk_refs(item)


def test_it_is_openapi_3_1_with_info(document):
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["info"]["version"]


def test_every_route_is_documented_with_its_method(document):
    for route in ROUTES:
        if route.hidden:
            continue
        assert route.method.lower() in document["paths"].get(route.path, {}), route.path


def test_operation_ids_are_unique(document):
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_every_reference_resolves(document):
    refs = set(walk_refs(document))
    assert refs, "no $ref at all: components are not being used"
    for ref in refs:
        node = document
        for part in ref.removeprefix("#/").split("/"):
            assert part in node, f"dangling {ref}"
            node = node[part]


def test_security_schemes_and_public_routes(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["apiKeyAuth"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert {"bearerAuth": []} in document["security"]
    token = document["paths"]["/api/v1/auth/token"]["post"]
    assert token["security"] == []
    assert "security" not in document["paths"]["/api/v1/customers"]["get"]   # inherits global


def test_errors_are_problem_json(document):
    responses = document["components"]["responses"]
    for name in ("Unauthorized", "NotFound", "Conflict", "UnprocessableContent",
                 "TooManyRequests", "ServiceUnavailable", "PayloadTooLarge"):
        assert "application/problem+json" in responses[name]["content"], name
    assert "Retry-After" in responses["TooManyRequests"]["headers"]
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status"} <= set(problem["required"])
    create = document["paths"]["/api/v1/customers"]["post"]["responses"]
    assert {"201", "401", "409", "413", "415", "422", "429", "503"} <= set(create)


def test_path_parameters_are_declared(document):
    for url, item in document["paths"].items():
        names = set(re.findall(r"{(\w+)}", url))
        for operation in item.values():
            declared = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
            assert declared == names, (url, declared)


def test_request_and_response_bodies(document):
    customers = "/api/v1/customers"
    assert "application/json" in document["paths"][customers]["post"]["requestBody"]["content"]
    assert "text/csv" in document["paths"][f"{customers}/imports"]["post"]["requestBody"]["content"]
    assert "text/csv" in document["paths"][f"{customers}/export"]["get"]["responses"]["200"]["content"]
    token = document["paths"]["/api/v1/auth/token"]["post"]
    assert token["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Login"}
    page = document["paths"][customers]["get"]["responses"]["200"]["content"]["application/json"]
    assert set(page["schema"]["properties"]) == {"items", "next_cursor"}
    form = document["paths"]["/api/v1/marketing/forms/{campaign_id}"]["post"]["requestBody"]
    assert form["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/FormResponse"}},
        "application/x-www-form-urlencoded": {
            "schema": {"$ref": "#/components/schemas/FormResponseForm"}}}
    fields = document["components"]["schemas"]["FormResponseForm"]["properties"]
    assert set(fields) == set(document["components"]["schemas"]["FormResponse"]["properties"])
    assert fields["phone"]["anyOf"][0] == {"type": "string", "maxLength": 0}     # left empty
    assert fields["phone"]["anyOf"][1]["type"] == "string"                       # never null
    limit = next(p for p in document["paths"][customers]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}


@pytest.mark.parametrize("service", [s.name for s in registry.behind_gateway()])
def test_referenced_service_schemas_exist(service):
    """Every "service:Name" the route table names resolves through services.<service>.schemas.
    A service the table names nothing of fails: a guard that finds nothing to check is broken."""
    importlib.import_module(f"services.{service}.schemas")       # an ImportError fails the test
    names = {ref for route in ROUTES
             for ref in (route.request_schema, route.response_schema, route.body_schema,
                         route.query)
             if isinstance(ref, str) and ref.startswith(service + ":")}
    assert names, f"no route names a {service} schema: the route table is not what it checks"
    missing = sorted(name for name in names if openapi.resolve_schema(name) is None)
    assert not missing, f"route table names schemas that {service} does not define: {missing}"


def test_shared_fields_are_documented_as_the_services_check_them(document):
    """A value the document allows passes the chassis's checks: money is a decimal string of
    at most 2 decimals, a currency one of the ISO 4217 codes, a phone its digits and signs."""
    created = document["components"]["schemas"]["CustomerCreate"]["properties"]
    money = re.compile(created["annual_revenue"]["pattern"])
    assert money.search("1250000.00") and money.search("7") and not money.search("1.001")
    assert not money.search("") and not money.search("-1")
    assert "EUR" in created["currency"]["enum"] and "XXX" not in created["currency"]["enum"]
    phone = re.compile(created["phone"]["pattern"])
    assert phone.search("+49 (30) 123-456") and not phone.search("12345") and not phone.search("")
    url = re.compile(created["website"]["pattern"])
    assert url.search("https://example.com/about") and not url.search("example")
    name = re.compile(document["components"]["schemas"]["UserCreate"]["properties"]["name"]["pattern"])
    assert name.search(" Ada ") and not name.search("  ") and not name.search("Ada\x00")
    assert created["annual_revenue"]["type"] == ["string", "integer", "null"]     # 7 or "7.00"


def test_text_fields_of_requests_carry_the_character_rule(document):
    """services/chassis/characters.py in the document: single-line text refuses every control
    character, multi-line text keeps tab and line breaks; responses are not constrained."""
    schemas = document["components"]["schemas"]
    created = schemas["CustomerCreate"]["properties"]
    single, multi = re.compile(created["name"]["pattern"]), re.compile(created["address"]["pattern"])
    assert single.search("Acme") and not single.search("Ac\nme") and not single.search("Ac\x00me")
    assert multi.search("1 Main St\r\nTown\t") and not multi.search("1 Main\x00")
    assert "pattern" not in schemas["Customer"]["properties"]["name"]
    assert "pattern" not in schemas["Problem"]["properties"]["detail"]
    csv = document["paths"]["/api/v1/customers/imports"]["post"]["requestBody"]["content"]
    assert not re.search(csv["text/csv"]["schema"]["pattern"], "name\nA\x00")


def test_patch_bodies_are_partial(document):
    """The services load a PATCH with partial=True: no field is required at the top."""
    schemas = document["components"]["schemas"]
    for url, operations in document["paths"].items():
        if "patch" in operations:
            ref = operations["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert not schemas[ref.rsplit("/", 1)[-1]].get("required"), url
    assert schemas["DealUpdate"]["required"] == ["currency", "name"]       # unchanged for POST


def test_query_parameters_come_from_the_services_query_schemas(document):
    params = {p["name"]: p for p in document["paths"]["/api/v1/customers"]["get"]["parameters"]}
    assert params["lifecycle_stage"]["schema"]["enum"] == [
        "lead", "prospect", "customer", "churned"]
    assert params["tags_any"]["schema"]["type"] == "array"
    assert params["tags_any"]["explode"] is False
    assert "null" not in str(params["owner_id"]["schema"])      # a query string has no null


def test_every_authenticated_write_announces_the_idempotency_key_and_its_refusals(document):
    writes = 0
    for route in ROUTES:
        if route.hidden:
            continue
        operation = document["paths"][route.path][route.method.lower()]
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        if route.method in ("POST", "PATCH", "PUT") and not route.public and route.service:
            writes += 1
            assert [p["name"] for p in headers] == ["Idempotency-Key"], route.path
            assert headers[0]["required"] is False and headers[0]["schema"]["maxLength"] == 255
            assert {"400", "409", "422", "503"} <= set(operation["responses"]), route.path
        else:
            assert headers == [], f"{route.method} {route.path}"
    assert writes > 30
    assert "Retry-After" in document["components"]["responses"]["Conflict"]["headers"]
    assert "Idempotency-Key" in document["info"]["description"]
