"""Receivables over HTTP against the real processes: a won deal → an invoice → two partial
payments → paid; an overpayment (422) and a repeated reference (409) change nothing; another
rep sees nothing; the overdue timer of the running sales process marks a past-due invoice."""
import uuid

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def problem(response, status):
    assert response.status_code == status, f"{response.status_code}: {response.text[:500]}"
    assert response.headers["Content-Type"] == "application/problem+json"
    return response.json()


def won_deal(admin, rep, price, quantity):
    item = admin.ok("POST", "products", expect=201, json={
        "name": f"Item {uuid.uuid4().hex[:8]}", "list_price": price, "currency": "USD"})
    customer = rep.create_customer()
    deal = rep.ok("POST", "deals", expect=201, json={
        "name": "Receivable", "customer_id": customer["id"], "currency": "USD",
        "lines": [{"product_id": item["id"], "quantity": quantity}]})
    for stage in ("needs_analysis", "proposal", "negotiation", "won"):
        deal = rep.ok("POST", f"deals/{deal['id']}/stage", json={"stage": stage})
    return deal


def test_won_deal_invoiced_and_paid_in_two_parts(admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    other = admin.create_user("sales_rep", region=f"Other-{uuid.uuid4().hex[:8]}")
    deal = won_deal(admin, rep, "333.33", 3)                             # 999.99

    invoice = rep.ok("POST", "invoices", expect=201, json={"deal_id": deal["id"]})
    assert invoice["number"].startswith("INV-") and len(invoice["number"]) == 14
    assert (invoice["status"], invoice["total"], invoice["outstanding"], invoice["owner_id"]) == (
        "issued", "999.99", "999.99", rep.user["id"])
    assert [line["total"] for line in invoice["lines"]] == ["999.99"]
    problem(rep.post("invoices", json={"deal_id": deal["id"]}), 409)   # invoiced already
    url = f"invoices/{invoice['id']}"

    first = rep.ok("POST", f"{url}/payments", expect=201, json={
        "amount": "500.00", "reference": "BANK-1", "method": "bank_transfer"})
    assert (first["outstanding_after"], first["invoice_status"]) == ("499.99", "partially_paid")
    before = rep.ok("GET", url)
    errors = problem(rep.post(f"{url}/payments", json={"amount": "500.00"}), 422)["errors"]
    assert "499.99" in errors["amount"][0]
    problem(rep.post(f"{url}/payments", json={"amount": "1.00", "reference": "BANK-1"}), 409)
    problem(rep.post(f"{url}/payments", json={"amount": 1.5}), 422)
    assert rep.ok("GET", url) == before
    second = rep.ok("POST", f"{url}/payments", expect=201, json={"amount": "499.99"})
    assert (second["outstanding_after"], second["invoice_status"]) == ("0.00", "paid")

    paid = rep.ok("GET", url)
    assert (paid["status"], paid["paid"], paid["outstanding"]) == ("paid", "999.99", "0.00")
    assert [p["amount"] for p in rep.ok("GET", f"{url}/payments")] == ["500.00", "499.99"]
    assert [i["id"] for i in rep.list_all("invoices", {"deal_id": deal["id"]})] == [invoice["id"]]
    problem(other.get(url), 404)
    problem(other.post(f"{url}/payments", json={"amount": "1.00"}), 404)
    assert other.list_all("invoices") == []

    document = admin.ok("GET", "/openapi.json")
    for path in ("/api/v1/invoices", "/api/v1/invoices/{invoice_id}/payments",
                 "/api/v1/invoices/overdue"):
        assert path in document["paths"], path


def test_the_running_timer_marks_a_past_due_invoice(admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    deal = won_deal(admin, rep, "10.00", 1)
    late = rep.ok("POST", "invoices", expect=201, json={"deal_id": deal["id"],
                                                        "issued_on": "2020-01-01"})
    assert late["overdue"] is True and late["due_on"] == "2020-01-31"
    wait_until(lambda: rep.ok("GET", f"invoices/{late['id']}")["overdue_at"] is not None,
               timeout=20, message="the overdue timer marked the invoice")
    assert [i["id"] for i in rep.list_all("invoices/overdue")] == [late["id"]]
    assert [i["id"] for i in rep.list_all("invoices", {"overdue": "true"})] == [late["id"]]
