"""Quotes, contracts and orders over HTTP against the real processes: won deal → quote → send →
accept → contract → order → invoice from the order; an illegal transition and an order from an
open deal are 409, another rep sees nothing (404), and the routes are in the OpenAPI document."""
import uuid

import pytest

pytestmark = pytest.mark.e2e


def status_of(response, status):
    assert response.status_code == status, f"{response.status_code}: {response.text[:500]}"
    assert response.headers["Content-Type"] == "application/problem+json"


def a_deal(admin, rep, stages=()):
    item = admin.ok("POST", "products", expect=201, json={
        "name": f"Doc {uuid.uuid4().hex[:8]}", "list_price": "250.00", "currency": "USD"})
    customer = rep.create_customer()
    deal = rep.ok("POST", "deals", expect=201, json={
        "name": "Documents", "customer_id": customer["id"], "currency": "USD",
        "lines": [{"product_id": item["id"], "quantity": 2}]})
    for stage in stages:
        deal = rep.ok("POST", f"deals/{deal['id']}/stage", json={"stage": stage})
    return deal


def test_won_deal_to_quote_contract_order_and_invoice(admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    other = admin.create_user("sales_rep", region=f"Other-{uuid.uuid4().hex[:8]}")
    deal = a_deal(admin, rep, ("needs_analysis", "proposal", "negotiation", "won"))

    quote = rep.ok("POST", f"deals/{deal['id']}/quotes", expect=201, json={})
    assert (quote["status"], quote["total"], quote["number"][:2]) == ("draft", "500.00", "Q-")
    url = f"quotes/{quote['id']}"
    status_of(rep.post(f"{url}/accept"), 409)                       # not sent yet
    assert rep.ok("PATCH", url, json={"valid_until": None})["status"] == "draft"
    assert rep.ok("POST", f"{url}/send")["status"] == "sent"
    status_of(rep.patch(url, json={"valid_until": None}), 409)      # only drafts change
    assert rep.ok("POST", f"{url}/accept")["status"] == "accepted"
    status_of(other.get(url), 404)

    contract = rep.ok("POST", "contracts", expect=201, json={"quote_id": quote["id"],
                                                               "term_months": 12})
    assert (contract["value"], contract["number"][:2]) == ("500.00", "C-")
    order = rep.ok("POST", "orders", expect=201, json={"contract_id": contract["id"]})
    assert (order["total"], order["quote_id"], order["number"][:2]) == ("500.00", quote["id"],
                                                                        "O-")
    status_of(rep.post("orders", json={"deal_id": a_deal(admin, rep)["id"]}), 409)
    invoice = rep.ok("POST", "invoices", expect=201, json={"order_id": order["id"]})
    assert (invoice["order_id"], invoice["total"]) == (order["id"], "500.00")

    assert [o["id"] for o in rep.list_all("orders", {"deal_id": deal["id"]})] == [order["id"]]
    assert rep.ok("GET", f"contracts/{contract['id']}")["id"] == contract["id"]
    assert other.list_all("quotes") == [] and other.list_all("orders") == []
    paths = admin.ok("GET", "/openapi.json")["paths"]
    for path in ("/api/v1/deals/{deal_id}/quotes", "/api/v1/quotes/{quote_id}/send",
                 "/api/v1/contracts", "/api/v1/orders/{order_id}"):
        assert path in paths, path
