"""The customer value classes over reporting's database (SQLite and PostgreSQL) from the real
customers and sales services' events: each customer's won deals in the window and their value
equal sales' own deals, and each caller sees only the customers in their scope."""
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.sales.deals.models import Deal
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.sales_support import wait_for_sales_users
from tests.integration.reporting.support import ADMIN, MANAGER, REP_A, REP_B, publish_people

pytestmark = pytest.mark.dialect_sensitive("local close days in a time zone; exact sums")


@pytest.fixture
def reporting(producers, databases, start_reporting):
    container = start_reporting()
    publish_people(producers, databases)
    wait_for_sales_users(databases)
    return container


def won_by_customer(engine):
    """{customer id: (won deals, won amount)} from sales' own deals."""
    count, amount = Counter(), Counter()
    with Session(engine) as session:
        for deal in session.scalars(select(Deal).where(Deal.stage == "won")):
            count[deal.customer_id] += 1
            amount[deal.customer_id] += deal.amount
    return {key: (count[key], str(amount[key])) for key in count}


def test_value_classes_match_sales_own_deals_in_each_scope(producers, databases, reporting):
    customers, sales = producers["customers"], producers["sales"]
    product = rpc(sales, "create_product", ADMIN, {"name": "value widget", "list_price": "19.99",
                                                   "currency": "EUR"})["id"]
    mine, theirs = (rpc(customers, "create_customer", ADMIN, {
        "name": f"value {rep.user_id}", "owner_id": rep.user_id, "value_class": "C"})["id"]
        for rep in (REP_A, REP_B))
    for customer, owner, quantity in ((mine, REP_A, 3), (mine, REP_A, 1), (theirs, REP_B, 20)):
        deal = rpc(sales, "create_deal", ADMIN, {
            "name": f"value {quantity}", "customer_id": customer, "currency": "EUR",
            "owner_id": owner.user_id, "lines": [{"product_id": product, "quantity": quantity}]})
        rpc(sales, "move_deal", owner, deal["id"], {"stage": "won"})
    expected = won_by_customer(databases["sales"])

    def reported(principal):
        rows = rpc(reporting, "customer_value_classes", principal, {})["rows"]
        return {row["customer_id"]: (row["frequency"], row["monetary"]) for row in rows
                if row["frequency"]}
    wait_until(lambda: reported(ADMIN) == expected, message="the classes see every won deal")
    assert reported(REP_A) == {mine: expected[mine]}
    assert reported(REP_B) == {theirs: expected[theirs]}
    assert reported(MANAGER) == expected
    # both bought today (recency 5); mine twice for less (frequency 5, value 3): B; theirs once
    # for more (frequency 3, value 5): A — both up from C
    report = rpc(reporting, "customer_value_classes", ADMIN, {"changed_only": True})
    assert {row["customer_id"]: (row["change"], row["suggested_class"])
            for row in report["rows"]} == {mine: ("up", "B"), theirs: ("up", "A")}

    # everyone bought today for the first time: 2 buyers, no repeat; the won amounts sum exactly
    repurchase = rpc(reporting, "customer_repurchase", MANAGER, {"granularity": "total"})
    assert [(row["buyers"], row["repeat_buyers"]) for row in repurchase["totals"]] == [(2, 0)]
    lifetime = rpc(reporting, "customer_lifetime_value", ADMIN, {"group_by": ["value_class"]})
    (total,) = lifetime["totals"]
    revenue = sum(Decimal(amount) for _count, amount in expected.values())
    assert (total["currency"], total["customers"], total["orders"], total["revenue"]) == (
        "EUR", 2, 3, str(revenue))
    assert total["average_order_value"] == str((revenue / 3).quantize(Decimal("0.01")))
    assert total["lifetime_value"] is None        # no earlier window to measure retention on
    assert sum(Decimal(row["revenue"]) for row in lifetime["rows"]) == revenue
    assert [row["customers"] for row in rpc(reporting, "customer_lifetime_value", REP_A,
                                             {})["totals"]] == [1]
