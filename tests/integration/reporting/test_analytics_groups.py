"""Customer groups over reporting's database (SQLite and PostgreSQL) from the real customers,
sales and service desk services' events: two big repeat buyers and two one-off small buyers
with support tickets make two groups, described as such, each caller listing only their own
customers."""
import pytest

from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.sales_support import wait_for_sales_users
from tests.integration.reporting.support import ADMIN, REP_A, REP_B, publish_people
from tests.integration.reporting.test_service_desk_kpis import AGENT, desk_people

pytestmark = pytest.mark.dialect_sensitive("local days in a time zone; ticket and deal facts")


def test_groups_split_big_buyers_from_small_ones_with_tickets(producers, databases,
                                                              start_reporting):
    reporting = start_reporting()
    desk_people(producers, databases)
    publish_people(producers, databases)
    wait_for_sales_users(databases)
    customers, sales = producers["customers"], producers["sales"]
    product = rpc(sales, "create_product", ADMIN, {"name": "group widget", "list_price": "19.99",
                                                   "currency": "EUR"})["id"]
    made = {}
    for name, owner, deals, quantity, tickets in (("big a", REP_A, 3, 10, 0),
                                                   ("big b", REP_B, 3, 10, 0),
                                                   ("small a", REP_A, 1, 1, 3),
                                                   ("small b", REP_B, 1, 1, 3)):
        customer = rpc(customers, "create_customer", ADMIN, {
            "name": name, "owner_id": owner.user_id})["id"]
        made[name] = customer
        for _ in range(deals):
            deal = rpc(sales, "create_deal", ADMIN, {
                "name": name, "customer_id": customer, "currency": "EUR",
                "owner_id": owner.user_id,
                "lines": [{"product_id": product, "quantity": quantity}]})
            rpc(sales, "move_deal", owner, deal["id"], {"stage": "won"})
        for number in range(tickets):
            rpc(producers["service_desk"], "create_ticket", AGENT, {
                "customer_id": customer, "subject": f"{name} {number}", "priority": "low",
                "channel": "email", "category": "billing", "assignee_id": AGENT.user_id})

    def grouped():
        report = rpc(reporting, "customer_groups", ADMIN, {})
        members = sorted(sorted(group["members"]) for group in report["groups"])
        wanted = sorted([sorted([made["big a"], made["big b"]]),
                         sorted([made["small a"], made["small b"]])])
        return report if members == wanted and "tickets" in report["features"] else None
    report = wait_until(grouped, timeout=30, message="the two groups with their tickets")
    assert report["k"] == 2 and report["features"] == ["frequency", "monetary", "tickets"]
    described = {tuple(sorted(group["members"])): group["description"] for group in report["groups"]}
    assert described[tuple(sorted([made["small a"], made["small b"]]))] == (
        "buy seldom, low value, many support tickets")
    mine = rpc(reporting, "customer_groups", REP_A, {})
    assert sorted(m for group in mine["groups"] for m in group["members"]) == sorted(
        [made["big a"], made["small a"]])
    assert [group["size"] for group in mine["groups"]] == [2, 2]
