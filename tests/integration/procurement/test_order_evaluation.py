"""A supplier evaluated per order over RabbitMQ on SQLite and PostgreSQL: an order received in
two deliveries (one late) is scored from its own receipts (on time 50.00); the evaluation sent
again with its Idempotency-Key answers the first answer (applied once), a new one for the same
order is a 409 naming it; it becomes the supplier's score (its last receipt is later than the
period evaluated before) and its event names the order and no period; reconcile_supplier_kpis
names the order too."""
import os

import pytest
from sqlalchemy import create_engine

from services.chassis.auth import Principal
from services.chassis.errors import Conflict
from services.chassis.idempotency import FINGERPRINT_CONTEXT, KEY_CONTEXT
from tests.helpers import wait_until
from tests.integration.procurement.conftest import call
from tests.unit.procurement.contracts import insert_contract_into

BUYER = Principal("u-buyer", "buyer")
ADMIN = Principal("u-admin", "admin")
SCORES = [{"criterion": key, "score": "80"} for key in ("quality", "price", "service")]


def _contract(supplier_id):
    engine = create_engine(os.environ["PROCUREMENT_DATABASE_URL"])
    try:
        return insert_contract_into(engine, supplier_id, [("Toner", "4", "10.00", "Paper")])
    finally:
        engine.dispose()                                        # delivery 2026-03-31


def _receive(procurement, order, received_on):
    line = order["lines"][0]["id"]
    return call(procurement, "record_goods_receipt", order["id"], {
        "received_on": received_on,
        "lines": [{"order_line_id": line, "quantity_received": "2"}]}, principal=BUYER)


@pytest.mark.dialect_sensitive("the supplier's latest evaluation by as_of (no period: NULL "
                               "period_end sorts differently); the idempotency key's primary "
                               "key; the unique evaluation per supplier and subject")
def test_an_order_evaluated_once_from_its_receipts_over_the_broker(procurement, received):
    supplier = call(procurement, "create_supplier", {"name": "Acme"}, principal=BUYER)
    contract = _contract(supplier["id"])
    order = call(procurement, "create_purchase_order", {"contract_id": contract["id"],
                                                        "send": True}, principal=BUYER)
    _receive(procurement, order, "2026-03-30")                  # on time
    period = call(procurement, "evaluate_supplier", supplier["id"], {
        "period_start": "2026-01-01", "period_end": "2026-03-31", "scores": SCORES},
        principal=BUYER)
    assert period["current"] is True
    _receive(procurement, order, "2026-04-02")                  # late → received
    body = {"order_id": order["id"], "scores": SCORES}
    key = {KEY_CONTEXT: "evaluate-order-1", FINGERPRINT_CONTEXT: "fp-evaluate-order-1"}
    first = call(procurement, "evaluate_supplier", supplier["id"], body, principal=BUYER,
                 context=key)
    again = call(procurement, "evaluate_supplier", supplier["id"], body, principal=BUYER,
                 context=key)
    assert again == first
    assert (first["order_id"], first["period_end"], first["as_of"], first["current"]) == (
        order["id"], None, "2026-04-02", True)
    assert first["scores"][1] == {"criterion": "on_time_delivery", "score": "50.00",
                                  "weight": 30}
    assert first["weighted_score"] == "71.00"          # (3200 + 1500 + 1600 + 800) / 100
    with pytest.raises(Conflict) as twice:
        call(procurement, "evaluate_supplier", supplier["id"], body, principal=BUYER)
    assert twice.value.details == {"id": first["id"]}
    history = call(procurement, "list_supplier_evaluations", supplier["id"], {},
                   principal=BUYER)["items"]
    assert [(e["id"], e["current"]) for e in history] == [(first["id"], True),
                                                          (period["id"], False)]
    assert call(procurement, "get_supplier", supplier["id"], principal=BUYER)["score"] == "71.00"

    wait_until(lambda: sum(e["event_type"] == "supplier_evaluated" for e in received) >= 2,
               message="both evaluations published")
    evaluated = sorted((e for e in received if e["event_type"] == "supplier_evaluated"),
                       key=lambda envelope: envelope["sequence"])
    assert len(evaluated) == 2                                   # the retry published nothing
    assert [(e["payload"]["order_id"], e["payload"]["period_end"], e["payload"]["current"])
            for e in evaluated] == [(None, "2026-03-31", True), (order["id"], None, True)]
    [card] = call(procurement, "reconcile_supplier_kpis", None, 10, principal=ADMIN)["items"]
    assert sorted((e["order_id"] or "", e["current"]) for e in card["evaluations"]) == [
        ("", False), (order["id"], True)]
