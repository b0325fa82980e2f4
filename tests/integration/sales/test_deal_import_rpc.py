"""The bulk deal import over a real broker, on SQLite and PostgreSQL: customers resolved by the
real customers service (an unknown id rejects its row only), the live events published with
the business times, a re-run changes nothing, only an admin may import."""
import pytest

from services.chassis.errors import Forbidden, Invalid
from tests.helpers import wait_until
from tests.integration.sales.support import ADMIN, MANAGER, REPS, proxy, publish_people, received

pytestmark = pytest.mark.dialect_sensitive("batched import with its history; idempotent re-run")

REP = REPS[0]


def rows(customer_id, product_id):
    line = [{"product_id": product_id, "quantity": 1, "unit_price": "1054.00"}]
    won = {"external_ref": "1C1I7A6R", "name": "Cancity – GTX Plus Basic", "customer_id": customer_id,
           "owner_id": REP.user_id, "currency": "USD", "lines": line,
           "history": [{"stage": "initial_contact", "at": "2016-10-20T12:00:00Z"},
                       {"stage": "needs_analysis", "at": "2016-10-20T12:00:00Z"},
                       {"stage": "won", "at": "2017-03-01T12:00:00Z"}]}
    open_without_customer = {**won, "external_ref": "OPEN-1", "customer_id": None,
                             "history": won["history"][:2]}
    unknown_customer = {**won, "external_ref": "BAD-1", "customer_id": "no-such-customer"}
    return [won, open_without_customer, unknown_customer]


def test_import_a_batch_with_history_events_and_rerun(services, databases, rabbit_config):
    publish_people(services, databases)
    with proxy(rabbit_config, REP, service="customers") as customers:
        customer_id = customers.create_customer({"name": "Cancity"})["id"]
    with proxy(rabbit_config, ADMIN) as sales:
        product = sales.create_product({"name": "GTX Plus Basic", "list_price": "1096.00",
                                        "currency": "USD"})
        batch = rows(customer_id, product["id"])
        result = sales.import_deals({"rows": batch})
        assert [r["status"] for r in result["results"]] == ["created", "created", "rejected"]
        assert result["results"][2]["errors"] == {"customer_id": ["No customer has this id."]}
        won_id, open_id = (r["deal_id"] for r in result["results"][:2])
        won = sales.get_deal(won_id)
        assert (won["stage"], won["amount"], won["customer_id"], won["closed_at"]) == (
            "won", "1054.00", customer_id, "2017-03-01T12:00:00+00:00")
        assert [h["changed_at"][:10] for h in sales.get_deal_history(won_id)] == [
            "2016-10-20", "2016-10-20", "2017-03-01"]
        assert sales.get_deal(open_id)["customer_id"] is None

        again = sales.import_deals({"rows": batch[:2]})
        assert [(r["status"], r["deal_id"]) for r in again["results"]] == [
            ("already_imported", won_id), ("already_imported", open_id)]
        with pytest.raises(Invalid):
            sales.import_deals({"rows": []})
    for principal in (MANAGER, REP):
        with proxy(rabbit_config, principal) as sales, pytest.raises(Forbidden):
            sales.import_deals({"rows": batch})

    wait_until(lambda: len(received("deal_won")) == 1 and len(received("deal_created")) == 2,
               message="the import's events")
    assert [e["payload"]["created_at"] for e in received("deal_created")] == [
        "2016-10-20T12:00:00+00:00"] * 2
    assert [e["payload"]["changed_at"] for e in received("deal_stage_changed")
            if e["payload"]["deal_id"] == won_id] == ["2016-10-20T12:00:00+00:00",
                                                      "2017-03-01T12:00:00+00:00"]
    assert received("deal_won")[0]["payload"]["closed_at"] == "2017-03-01T12:00:00+00:00"
    assert len(received("deal_stage_changed")) == 3          # the re-run published nothing
