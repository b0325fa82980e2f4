"""Quotes, contracts and orders over a real broker, on SQLite and PostgreSQL: won deal → quote
→ send → accept → contract → order → invoice from the order, with their events published;
refusals (an illegal transition, an order from an open deal, another rep) cross RPC intact."""
import pytest

from services.chassis.errors import Conflict, NotFound
from tests.helpers import wait_until
from tests.integration.sales.support import ADMIN, OUTSIDER, REPS, proxy, publish_people, received

pytestmark = pytest.mark.dialect_sensitive("gapless document numbers from a shared counter (row lock)")

REP = REPS[0]


def a_deal(rabbit_config, stage=None):
    with proxy(rabbit_config, REP, service="customers") as customers:
        customer_id = customers.create_customer({"name": "Docs Ltd"})["id"]
    with proxy(rabbit_config, ADMIN) as sales:
        item = sales.create_product({"name": f"Docs item {stage}", "list_price": "0.10",
                                     "currency": "EUR"})
    with proxy(rabbit_config, REP) as sales:
        deal = sales.create_deal({"name": "Docs", "customer_id": customer_id, "currency": "EUR",
                                  "lines": [{"product_id": item["id"], "quantity": 3}]})
        return sales.move_deal(deal["id"], {"stage": stage}) if stage else deal


def test_quote_to_contract_to_order_to_invoice_with_events(services, databases, rabbit_config):
    publish_people(services, databases)
    won, still_open = a_deal(rabbit_config, "won"), a_deal(rabbit_config)
    with proxy(rabbit_config, REP) as sales:
        quote = sales.create_quote(won["id"], {})
        assert (quote["status"], quote["total"], quote["number"][:2]) == ("draft", "0.30", "Q-")
        with pytest.raises(Conflict):
            sales.accept_quote(quote["id"])
        assert sales.send_quote(quote["id"])["status"] == "sent"
        assert sales.accept_quote(quote["id"])["status"] == "accepted"
        contract = sales.sign_contract({"quote_id": quote["id"], "starts_on": "2026-01-01",
                                        "term_months": 12})
        assert (contract["value"], contract["ends_on"]) == ("0.30", "2026-12-31")
        order = sales.place_order({"contract_id": contract["id"]})
        assert (order["total"], order["quote_id"]) == ("0.30", quote["id"])
        with pytest.raises(Conflict):
            sales.place_order({"deal_id": still_open["id"]})
        invoice = sales.issue_invoice({"order_id": order["id"]})
        assert (invoice["order_id"], invoice["total"]) == (order["id"], "0.30")
        assert [q["id"] for q in sales.list_quotes({"status": "accepted"})["items"]] == [
            quote["id"]]
    with proxy(rabbit_config, OUTSIDER) as sales:
        with pytest.raises(NotFound):
            sales.get_order(order["id"])
        assert sales.list_contracts({})["items"] == []

    wait_until(lambda: received("order_placed") and received("invoice_issued"),
               message="document events")
    assert [e["payload"]["status"] for e in received("quote_sent")] == ["sent"]
    assert [e["payload"]["id"] for e in received("quote_accepted")] == [quote["id"]]
    [signed] = received("contract_signed")
    assert (signed["payload"]["number"], signed["payload"]["value"]) == (contract["number"],
                                                                         "0.30")
    [placed] = received("order_placed")
    assert placed["payload"]["lines"][0]["total"] == "0.30"
    assert received("invoice_issued")[0]["payload"]["order_id"] == order["id"]
