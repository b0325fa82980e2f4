"""Issue 10, finding 3, re-tried: after an admin changes a stage's probability (25 % → 72 %)
and retires a stage, sales' board and reporting's funnel agree to the cent, reconcile finds
nothing, and a rebuild gives the same figures as the live path (the real sales and reporting
services over real RabbitMQ)."""
import pytest

from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.sales_support import deal_workload
from tests.integration.reporting.support import ADMIN, REP_A, REP_B
from tests.integration.reporting.test_reconcile import reconcile
from tests.integration.reporting.test_rebuild import finished


def board(sales):
    """{(stage, currency): (count, amount, weighted)} of sales' own board (every deal)."""
    return {(column["key"], total["currency"]):
            (total["count"], total["amount"], total["weighted_amount"])
            for column in rpc(sales, "pipeline_board", ADMIN)["stages"]
            for total in column["totals"]}


def funnel(reporting):
    return {(row["stage"], row["currency"]): (row["count"], row["amount"], row["weighted_amount"])
            for row in rpc(reporting, "sales_funnel", ADMIN, {"group_by": ["stage"]})["rows"]}


def cent_deals(producers, count, stage="needs_analysis"):
    """Deals of 0.01 EUR: weighted per deal (half-up) is 0.01 each at 72 %, the rounded sum
    of their amounts would be less — the board and the funnel must round alike."""
    customer = rpc(producers["customers"], "create_customer", ADMIN, {"name": "cents"})["id"]
    product = rpc(producers["sales"], "create_product", ADMIN,
                  {"name": "penny", "list_price": "0.01", "currency": "EUR"})["id"]
    for index in range(count):
        deal = rpc(producers["sales"], "create_deal", ADMIN, {
            "name": f"penny {index}", "customer_id": customer, "currency": "EUR",
            "owner_id": (REP_A, REP_B)[index % 2].user_id,
            "lines": [{"product_id": product, "quantity": 1}]})
        rpc(producers["sales"], "move_deal", ADMIN, deal["id"], {"stage": stage})


def agree(reporting, sales):
    return funnel(reporting) == board(sales)


@pytest.mark.dialect_sensitive("re-weighting under live delivery, locks on the stage row")
def test_a_probability_change_and_a_retired_stage_reach_the_funnel_reconcile_and_rebuild(
        producers, databases, reporting):
    sales = producers["sales"]
    deal_workload(producers)
    deal_workload(producers, tag="second")
    cent_deals(producers, 3)
    wait_until(lambda: agree(reporting, sales), timeout=20, message="funnel = board before")

    rpc(sales, "update_stage", ADMIN, "needs_analysis", {"name": "Needs analysis",
                                                         "probability": 72})
    rpc(sales, "update_stage", ADMIN, "proposal", {"name": "Proposal", "active": False})
    rpc(sales, "update_stage", ADMIN, "won", {"name": "Won", "probability": 95})
    # 2 × half-up(39.98 × 0.72) + 3 × half-up(0.01 × 0.72) = 2 × 28.79 + 3 × 0.01, per deal
    assert board(sales)[("needs_analysis", "EUR")] == (5, "79.99", "57.61")
    wait_until(lambda: agree(reporting, sales), timeout=20,
               message="the funnel follows the configuration (live)")
    assert funnel(reporting)[("proposal", "USD")][0] == 2           # retired, deals still in it

    result = reconcile(reporting)
    assert result["ok"] and result["difference_count"] == 0, result["differences"]

    job = rpc(reporting, "request_rebuild", ADMIN, ["all"])
    rpc(reporting, "run_jobs", ADMIN)
    done = wait_until(lambda: finished(reporting, job["id"]), timeout=60, message="rebuild done")
    assert done["status"] == "done", done
    assert agree(reporting, sales), (funnel(reporting), board(sales))
    result = reconcile(reporting)
    assert result["ok"] and result["difference_count"] == 0, result["differences"]
