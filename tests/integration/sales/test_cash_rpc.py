"""Invoices and payments over a real broker, on SQLite and PostgreSQL: a won deal invoiced and
paid in two parts with its events published; refusals crossing RPC intact; the overdue check
run by two sales containers at once marks and announces each invoice once."""
import eventlet
import pytest
from nameko.testing.services import entrypoint_hook

from services.chassis.errors import Conflict, Invalid, NotFound
from services.sales.service import SalesService
from tests.helpers import wait_until
from tests.integration.sales.support import (ADMIN, MANAGER, OUTSIDER, REPS, as_, proxy,
                                             publish_people, received)

pytestmark = pytest.mark.dialect_sensitive(
    "gapless invoice numbers under concurrency; a claim UPDATE across containers")

REP = REPS[0]


def won_deal(rabbit_config, price="0.10", quantity=3):
    with proxy(rabbit_config, REP, service="customers") as customers:
        customer_id = customers.create_customer({"name": "Cash Ltd"})["id"]
    with proxy(rabbit_config, ADMIN) as sales:
        item = sales.create_product({"name": f"Item {price} {quantity}", "list_price": price,
                                     "currency": "EUR"})
    with proxy(rabbit_config, REP) as sales:
        deal = sales.create_deal({"name": "Cash", "customer_id": customer_id, "currency": "EUR",
                                  "lines": [{"product_id": item["id"], "quantity": quantity}]})
        return sales.move_deal(deal["id"], {"stage": "won"})


def test_issue_and_pay_in_two_parts_with_events(services, databases, rabbit_config):
    publish_people(services, databases)
    deal = won_deal(rabbit_config)
    with proxy(rabbit_config, REP) as sales:
        invoice = sales.issue_invoice({"deal_id": deal["id"], "issued_on": "2026-02-01"})
        assert (invoice["number"], invoice["total"], invoice["due_on"]) == (
            "INV-2026-00001", "0.30", "2026-03-03")
        with pytest.raises(Conflict):
            sales.issue_invoice({"deal_id": deal["id"]})
        first = sales.record_payment(invoice["id"], {"amount": "0.10", "reference": "B-1",
                                                     "method": "bank_transfer"})
        assert (first["outstanding_after"], first["invoice_status"]) == ("0.20", "partially_paid")
        with pytest.raises(Conflict) as duplicate:
            sales.record_payment(invoice["id"], {"amount": "0.10", "reference": "B-1"})
        assert duplicate.value.details["reference"] == "B-1"
        with pytest.raises(Invalid) as over:
            sales.record_payment(invoice["id"], {"amount": "0.21"})
        assert "0.20" in over.value.details["amount"][0]
        second = sales.record_payment(invoice["id"], {"amount": "0.20"})
        assert (second["outstanding_after"], second["invoice_status"]) == ("0.00", "paid")
        detail = sales.get_invoice(invoice["id"])
        assert (detail["status"], detail["paid"], detail["outstanding"]) == ("paid", "0.30", "0.00")
        assert [p["amount"] for p in sales.list_payments(invoice["id"])] == ["0.10", "0.20"]
    with proxy(rabbit_config, MANAGER) as sales:
        paid = sales.list_invoices({"status": "paid"})["items"]
        assert [i["id"] for i in paid] == [invoice["id"]]
    with proxy(rabbit_config, OUTSIDER) as sales:
        with pytest.raises(NotFound):
            sales.get_invoice(invoice["id"])
        assert sales.list_invoices({})["items"] == []

    wait_until(lambda: len(received("payment_received")) == 2, message="payment events")
    [issued] = received("invoice_issued")
    assert (issued["payload"]["number"], issued["payload"]["total"],
            issued["payload"]["issued_on"]) == ("INV-2026-00001", "0.30", "2026-02-01")
    assert [(e["payload"]["amount"], e["payload"]["outstanding_after"],
             e["payload"]["invoice_status"]) for e in received("payment_received")] == [
        ("0.10", "0.20", "partially_paid"), ("0.20", "0.00", "paid")]
    with proxy(rabbit_config, ADMIN) as sales:
        facts = sales.reconcile_cash_facts(None, 10)
    assert [(f["number"], f["total"], f["paid"], f["status"]) for f in facts["items"]] == [
        ("INV-2026-00001", "0.30", "0.30", "paid")]


def test_two_containers_checking_at_once_announce_each_overdue_invoice_once(
        services, databases, rabbit_config, container_factory):
    publish_people(services, databases)
    with proxy(rabbit_config, REP) as sales:
        late = [sales.issue_invoice({"deal_id": won_deal(rabbit_config, quantity=n)["id"],
                                     "issued_on": "2020-01-01"})["id"] for n in range(1, 6)]
        current = sales.issue_invoice({"deal_id": won_deal(rabbit_config, quantity=9)["id"]})
    second = container_factory(SalesService, rabbit_config)
    second.start()

    def check(container):
        with entrypoint_hook(container, "detect_overdue_invoices", context_data=as_(ADMIN)) as hook:
            return hook()
    runs = [eventlet.spawn(check, container) for container in (services["sales"], second)]
    marked = [run.wait() for run in runs]
    assert sum(marked) == len(late)                      # each one marked by one container
    wait_until(lambda: len(received("invoice_overdue")) >= len(late), message="overdue events")
    with proxy(rabbit_config, ADMIN) as sales:
        log = [e for e in sales.events_since(0, 1000) if e["event_type"] == "invoice_overdue"]
        assert sorted(e["payload"]["id"] for e in log) == sorted(late)   # once each, in the log
        assert {e["payload"]["outstanding"] for e in log} <= {"0.10", "0.20", "0.30", "0.40",
                                                              "0.50"}
        overdue = sales.list_overdue_invoices({})["items"]
        assert sorted(i["id"] for i in overdue) == sorted(late)
        assert current["id"] not in {i["id"] for i in overdue}
    assert check(second) == 0                                # and never again


def test_concurrent_issues_get_consecutive_numbers(services, databases, rabbit_config):
    publish_people(services, databases)
    deals = [won_deal(rabbit_config, quantity=n)["id"] for n in range(1, 7)]

    def issue(deal_id):
        with proxy(rabbit_config, REP) as sales:
            return sales.issue_invoice({"deal_id": deal_id, "issued_on": "2027-05-01"})["number"]
    numbers = [run.wait() for run in [eventlet.spawn(issue, deal_id) for deal_id in deals]]
    assert sorted(numbers) == [f"INV-2027-{n:05d}" for n in range(1, 7)]
