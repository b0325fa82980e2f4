"""Targets over a real broker, on SQLite and PostgreSQL: company / region / rep targets set by
admin and a manager, a refusal (parts above the parent) crossing RPC intact with nothing
changed, attainment from a won deal, target_set / target_removed published, and the at-risk
check run by two sales containers at once announcing each target once that day.

Everything happens in a fixed month, never the current one: the deal is won in it (imported with
its stage history at fixed times) and the at-risk check runs at a fixed moment in it, so the
test means the same whatever day it runs."""
from datetime import datetime, timezone

import eventlet
import pytest
from nameko.testing.services import entrypoint_hook

from services.chassis.errors import Conflict, Forbidden
from services.sales.service import SalesService
from tests.helpers import wait_until
from tests.integration.sales.support import (ADMIN, MANAGER, OUTSIDER, REPS, as_, proxy,
                                             publish_people, received)

pytestmark = pytest.mark.dialect_sensitive("parent target row locks; a claim UPDATE across containers")

REP = REPS[0]
MONTH = "2025-03-01"
WON_AT = "2025-03-10T12:00:00+00:00"
CHECKED_AT = datetime(2025, 3, 20, 12, tzinfo=timezone.utc)     # 63% of March elapsed


def target(sales, scope="company", scope_value=None, amount="1000.00", **extra):
    return sales.set_target({"period_kind": "month", "period_start": MONTH,
                             "scope": scope, "scope_value": scope_value,
                             "measure": "won_revenue", "amount": amount, "currency": "EUR",
                             **extra})


def win(rabbit_config, price):
    """REP's deal won on WON_AT, in MONTH (the import replays a deal's stages at their times)."""
    with proxy(rabbit_config, REP, service="customers") as customers:
        customer_id = customers.create_customer({"name": "Target Ltd"})["id"]
    with proxy(rabbit_config, ADMIN) as sales:
        item = sales.create_product({"name": f"Item {price}", "list_price": price,
                                     "currency": "EUR", "series": "Item"})
        (row,) = sales.import_deals({"rows": [{
            "external_ref": "won-in-march", "name": "Won", "customer_id": customer_id,
            "owner_id": REP.user_id, "currency": "EUR",
            "lines": [{"product_id": item["id"], "quantity": 1}],
            "history": [{"stage": "initial_contact", "at": "2025-03-02T09:00:00+00:00"},
                        {"stage": "won", "at": WON_AT}]}]})["results"]
    assert row["status"] == "created", row
    return row


def hook(container, method, **kwargs):
    with entrypoint_hook(container, method, context_data=as_(ADMIN)) as call:
        return call(**kwargs)


def test_set_split_attain_and_remove(services, databases, rabbit_config):
    publish_people(services, databases)
    with proxy(rabbit_config, ADMIN) as sales:
        company = target(sales, amount="1000.00")
    with proxy(rabbit_config, MANAGER) as sales:
        region = target(sales, "region", "EU", amount="800.00")
        rep = target(sales, "rep", REP.user_id, amount="500.00")
        with pytest.raises(Conflict) as refused:
            target(sales, "rep", REPS[1].user_id, amount="400.00")
        assert refused.value.details["parts_exceed_by"] == "100.00"
        with pytest.raises(Forbidden):
            target(sales, "rep", OUTSIDER.user_id, amount="1.00")
    assert region["parent_id"] == company["id"] and rep["parent_id"] == region["id"]
    win(rabbit_config, "300.00")
    with proxy(rabbit_config, REP) as sales:
        mine = sales.get_target(rep["id"])
        assert mine["attained"] == "300.00" and mine["pace"]["expected_by_now"]
        assert {t["id"] for t in sales.list_targets({})["items"]} == {company["id"], rep["id"]}
    with proxy(rabbit_config, ADMIN) as sales:
        assert sales.get_target(region["id"])["splits"] == [
            {"by": "rep", "parts": 1, "parts_sum": "500.00", "unallocated": "300.00",
             "parts_exceed_by": "0.00"}]
        assert sales.remove_target(rep["id"]) == {"id": rep["id"], "removed": True}
        facts = sales.reconcile_target_facts(None, 10)
    assert {item["id"] for item in facts["items"]} == {company["id"], region["id"]}
    wait_until(lambda: len(received("target_set")) == 3 and received("target_removed"),
               message="target_set x3 and target_removed published")
    assert received("target_removed")[0]["payload"]["id"] == rep["id"]


def test_two_containers_checking_at_once_announce_each_target_once(
        services, databases, rabbit_config, container_factory):
    publish_people(services, databases)
    with proxy(rabbit_config, ADMIN) as sales:
        behind = [target(sales, "rep", person.user_id, amount="1000.00") for person in REPS]
        target(sales, "company", amount="5000.00")              # not watched
    second = container_factory(SalesService, rabbit_config)
    second.start()
    runs = [eventlet.spawn(hook, container, "detect_targets_at_risk", now=CHECKED_AT)
            for container in (services["sales"], second)]
    assert sum(run.wait() for run in runs) == len(behind)
    assert hook(second, "detect_targets_at_risk", now=CHECKED_AT) == 0      # once per day
    wait_until(lambda: len(received("target_at_risk")) == len(behind),
               message="target_at_risk published")
    assert sorted(e["payload"]["id"] for e in received("target_at_risk")) == sorted(
        t["id"] for t in behind)
