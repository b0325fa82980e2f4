"""Purchase orders and goods receipts over RabbitMQ on SQLite and PostgreSQL: an order placed
under an active contract (inserted as the contract a chosen quotation makes), sent, received
in two deliveries — one on time, one late; the late one retried with its Idempotency-Key
applies once — then received and the contract completed; a receipt accepting more than was
ordered refused (nothing changed); the supplier's on-time rate and a period evaluation
computed from the receipts. Every event received off the broker in order, none twice."""
import os

import pytest
from sqlalchemy import create_engine

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, Forbidden, Invalid
from services.chassis.idempotency import FINGERPRINT_CONTEXT, KEY_CONTEXT
from tests.helpers import wait_until
from tests.integration.procurement.conftest import call
from tests.unit.procurement.contracts import insert_contract_into

BUYER = Principal("u-buyer", "buyer")
LINES = [("Toner", "10", "19.99", "Office supplies"), ("Desk", "3", "333.33", "Furniture")]


def _contract(supplier_id):
    engine = create_engine(os.environ["PROCUREMENT_DATABASE_URL"])
    try:
        return insert_contract_into(engine, supplier_id, LINES)      # delivery 2026-03-31
    finally:
        engine.dispose()


def _receipt(received_on, toner, desk):
    return {"received_on": received_on, "lines": [
        {"order_line_id": toner[0], "quantity_received": toner[1],
         "quantity_rejected": toner[2]},
        {"order_line_id": desk[0], "quantity_received": desk[1], "quantity_rejected": "0"}]}


@pytest.mark.dialect_sensitive("row locks of orders and contract lines; gapless numbers; "
                               "the idempotency key's primary key; the on-time count")
def test_an_order_received_in_two_deliveries_over_the_broker(procurement, received):
    supplier = call(procurement, "create_supplier", {"name": "Acme"}, principal=BUYER)
    contract = _contract(supplier["id"])
    order = call(procurement, "create_purchase_order", {"contract_id": contract["id"]},
                 principal=BUYER)
    assert (order["total"], order["status"], order["expected_on"]) == ("1199.89", "draft",
                                                                       "2026-03-31")
    with pytest.raises(Conflict):
        call(procurement, "create_purchase_order", {"contract_id": contract["id"]},
             principal=BUYER)                                  # nothing left to order
    call(procurement, "change_purchase_order_status", order["id"], {"status": "sent"},
         principal=BUYER)
    toner, desk = (line["id"] for line in order["lines"])
    first = call(procurement, "record_goods_receipt", order["id"],
                 _receipt("2026-03-30", (toner, "4", "1"), (desk, "1")), principal=BUYER)
    assert (first["on_time"], first["accepted_value"]) == (True, "393.30")
    with pytest.raises(Invalid):
        call(procurement, "record_goods_receipt", order["id"],
             _receipt("2026-04-02", (toner, "8", "0"), (desk, "2")), principal=BUYER)
    key = {KEY_CONTEXT: "receipt-2", FINGERPRINT_CONTEXT: "fp-receipt-2"}
    late = call(procurement, "record_goods_receipt", order["id"],
                _receipt("2026-04-02", (toner, "7", "0"), (desk, "2")), principal=BUYER,
                context=key)
    again = call(procurement, "record_goods_receipt", order["id"],
                 _receipt("2026-04-02", (toner, "7", "0"), (desk, "2")), principal=BUYER,
                 context=key)
    assert again == late and late["on_time"] is False
    done = call(procurement, "get_purchase_order", order["id"], principal=BUYER)
    assert (done["status"], done["accepted_value"]) == ("received", "1199.89")
    receipts = call(procurement, "list_goods_receipts", order["id"], principal=BUYER)
    assert [r["id"] for r in receipts["items"]] == [first["id"], late["id"]]
    assert call(procurement, "get_supplier_on_time_delivery", supplier["id"],
                principal=BUYER) == {"supplier_id": supplier["id"], "receipts": 2,
                                     "on_time": 1, "on_time_rate": "50.00"}
    evaluation = call(procurement, "evaluate_supplier", supplier["id"], {
        "period_start": "2026-01-01", "period_end": "2026-03-31",
        "scores": [{"criterion": key, "score": "80"} for key in ("quality", "price", "service")]},
        principal=BUYER)                                     # only the on-time receipt in Q1
    assert evaluation["scores"][1] == {"criterion": "on_time_delivery", "score": "100.00",
                                       "weight": 30}
    assert evaluation["weighted_score"] == "86.00"           # (3200 + 3000 + 1600 + 800) / 100

    expected = ["supplier_created", "purchase_order_created", "purchase_order_status_changed",
                "goods_received", "purchase_order_status_changed", "goods_received",
                "purchase_order_status_changed", "purchase_contract_status_changed",
                "supplier_evaluated"]
    wait_until(lambda: len(received) >= len(expected), message="every change published")
    ordered = sorted(received, key=lambda envelope: envelope["sequence"])
    assert [envelope["event_type"] for envelope in ordered] == expected
    assert len({envelope["event_id"] for envelope in received}) == len(received)
    assert [e["payload"]["to_status"] for e in ordered
            if e["event_type"] == "purchase_order_status_changed"] == [
        "sent", "partially_received", "received"]
    assert ordered[5]["payload"]["lines"][0]["accepted_value"] == "139.93"

    # What reporting's reconcile reads (kpis/), paged one row at a time on this dialect.
    admin = Principal("u-admin", "admin")
    [order_row] = call(procurement, "reconcile_order_kpis", None, 1, principal=admin)["items"]
    assert order_row == {"order_id": order["id"], "supplier_id": supplier["id"],
                         "currency": "EUR", "status": "received", "total": "1199.89",
                         "accepted_value": "1199.89"}
    pages, cursor = [], None
    while True:
        page = call(procurement, "reconcile_receipt_kpis", cursor, 1, principal=admin)
        pages.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    rows = sorted((item for page in pages for item in page["items"]),
                  key=lambda row: row["received_on"])
    assert [(r["received_on"], r["on_time"], r["accepted_value"], r["currency"]) for r in rows] \
        == [("2026-03-30", True, "393.30", "EUR"), ("2026-04-02", False, "806.59", "EUR")]
    assert sorted(line["category"] for line in rows[1]["lines"]) == ["Furniture",
                                                                     "Office supplies"]
    assert len({page["sequence"] for page in pages}) == 1          # nothing changed meanwhile
    [card] = call(procurement, "reconcile_supplier_kpis", None, 10, principal=admin)["items"]
    assert (card["score"], [e["current"] for e in card["evaluations"]]) == ("86.00", [True])
    with pytest.raises(Forbidden):
        call(procurement, "reconcile_order_kpis", principal=BUYER)
