"""The sales RPC surface over a real broker, with the real customers service: assignment from
identity's events, conversion (created, linked, retried), the pipeline, scopes, events."""
import pytest

from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound
from tests.helpers import wait_until
from tests.integration.sales.support import (ADMIN, MANAGER, OUTSIDER, REPS, EventLog, proxy,
                                             publish_people, received)

LEAD = {"contact_name": "Ada Lovelace", "contact_email": "ada@engines.example",
        "company_name": "Analytical Engines", "region": "EU", "source": "referral"}


@pytest.mark.dialect_sensitive("conversion's row locks; stage history")
def test_lead_to_won_deal_through_real_customers(services, databases, rabbit_config):
    publish_people(services, databases)
    with proxy(rabbit_config, ADMIN) as sales:
        gtx = sales.create_product({"name": "GTX Pro", "series": "GTX", "list_price": "4821.00",
                                    "currency": "USD"})
        lead = sales.create_lead(LEAD)
        assert lead["owner_id"] == "u-rep-a" and lead["score"] > 0       # round-robin in EU
        second = sales.create_lead({**LEAD, "contact_email": "ada@engines.example",
                                    "contact_name": "Ada again"})
        assert second["owner_id"] == "u-rep-b"
    rep = REPS[0]
    with proxy(rabbit_config, rep) as sales:
        sales.set_lead_status(lead["id"], {"status": "contacted"})
        sales.set_lead_status(lead["id"], {"status": "qualified"})
        converted = sales.convert_lead(lead["id"], {
            "currency": "USD", "lines": [{"product_id": gtx["id"], "quantity": 2}]})
        assert converted["customer_link"] == "created"
        deal = converted["deal"]
        assert (deal["amount"], deal["owner_id"]) == ("9642.00", rep.user_id)
        assert sales.convert_lead(lead["id"], {"currency": "USD", "lines": [
            {"product_id": gtx["id"], "quantity": 2}]})["deal"]["id"] == deal["id"]
        for stage in ("needs_analysis", "proposal", "negotiation"):
            sales.move_deal(deal["id"], {"stage": stage})
        with pytest.raises(Invalid) as error:
            sales.move_deal(deal["id"], {"stage": "lost"})
        assert "lost_reason" in error.value.details       # per-field messages cross RPC
        moved = sales.move_deal(deal["id"], {"stage": "won"})
        assert moved["stage"] == "won"
        with pytest.raises(Forbidden):
            sales.move_deal(deal["id"], {"stage": "negotiation"})
        assert [h["to_stage"] for h in sales.get_deal_history(deal["id"])] == [
            "initial_contact", "needs_analysis", "proposal", "negotiation", "won"]
        won_column = next(c for c in sales.pipeline_board({})["stages"] if c["key"] == "won")
        assert won_column["totals"] == [{"currency": "USD", "count": 1, "amount": "9642.00",
                                         "weighted_amount": "9642.00"}]     # exact on PostgreSQL too
    with proxy(rabbit_config, rep, service="customers") as customers:
        customer = customers.get_customer(converted["customer_id"])
        assert (customer["name"], customer["owner_id"]) == ("Analytical Engines", rep.user_id)
    # The second lead has the same email: linked to that customer, not a twin.
    with proxy(rabbit_config, REPS[1]) as sales:
        linked = sales.convert_lead(second["id"], {"currency": "USD"})
    assert (linked["customer_id"], linked["customer_link"]) == (converted["customer_id"], "existing")
    with proxy(rabbit_config, ADMIN, service="customers") as customers:
        assert len(customers.list_customers({})["items"]) == 1

    wait_until(lambda: len(received("deal_stage_changed")) == 4, message="stage events")
    for event_type in ("lead_created", "lead_updated", "lead_converted", "deal_created", "deal_won"):
        assert received(event_type), event_type
    won = received("deal_won")[0]
    assert (won["source"], won["payload"]["amount"], won["payload"]["currency"]) == (
        "sales", "9642.00", "USD")
    with proxy(rabbit_config, ADMIN) as sales:
        log = sales.events_since(0, 500)
    assert [e["sequence"] for e in log] == list(range(1, len(log) + 1))
    assert {e["event_id"] for e in EventLog.received} <= {e["event_id"] for e in log}


def test_scopes_hold_over_rpc_and_bad_input_changes_nothing(services, databases, rabbit_config):
    publish_people(services, databases)
    with proxy(rabbit_config, REPS[0], service="customers") as customers:
        mine = customers.create_customer({"name": "Mine Ltd"})["id"]
    with proxy(rabbit_config, OUTSIDER, service="customers") as customers:
        theirs = customers.create_customer({"name": "Theirs Inc"})["id"]
    with proxy(rabbit_config, REPS[0]) as sales:
        deal = sales.create_deal({"name": "Mine", "customer_id": mine, "currency": "EUR"})
        assert deal["customer_id"] == mine
        with pytest.raises(Invalid):
            sales.create_deal({"name": "Bad", "customer_id": mine, "currency": "XXX"})
        for unknown in (theirs, "no-such-customer"):             # not visible = not there
            with pytest.raises(Invalid) as error:
                sales.create_deal({"name": "Bad", "customer_id": unknown, "currency": "EUR"})
            assert "customer_id" in error.value.details
        with pytest.raises(Forbidden):
            sales.create_product({"name": "x", "list_price": "1.00", "currency": "EUR"})
    with proxy(rabbit_config, OUTSIDER) as sales:
        with pytest.raises(NotFound):
            sales.get_deal(deal["id"])
        with pytest.raises(NotFound):
            sales.move_deal(deal["id"], {"stage": "won"})
        assert sales.list_deals({})["items"] == []
        assert sum(c["count"] for c in sales.pipeline_board({})["stages"]) == 0
    with proxy(rabbit_config, MANAGER) as sales:
        assert [d["id"] for d in sales.list_deals({})["items"]] == [deal["id"]]
        with pytest.raises(Conflict):
            sales.move_deal(deal["id"], {"stage": "initial_contact"})
    with proxy(rabbit_config, ADMIN) as sales:
        assert len(sales.list_deals({})["items"]) == 1
        assert [e["event_type"] for e in sales.events_since(0, 100)] == ["deal_created"]
