"""Cash KPIs from the real sales service's invoice and payment events over real RabbitMQ:
invoiced vs collected and receivables aged on a date equal sales' own invoices; reconcile
reports zero differences."""
from datetime import date
from decimal import Decimal

import pytest

from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.sales_support import deal_workload
from tests.integration.reporting.support import ADMIN, REP_A, REP_B, REP_C
from tests.integration.reporting.test_reconcile import reconcile

pytestmark = pytest.mark.dialect_sensitive("upserted rollups; money sums and ageing dates")

AS_OF = "2025-03-15"


def invoices(producers):
    """An invoice per won deal of the workload (A's and B's), A's paid in part."""
    sales = producers["sales"]
    won = [deal for deal in rpc(sales, "list_deals", ADMIN, {"limit": 100})["items"]
           if deal["stage"] == "won"]
    issued = {}
    for deal, (issued_on, due_on) in zip(sorted(won, key=lambda d: d["owner_id"]),
                                         [("2025-01-10", "2025-02-09"), ("2025-02-01", "2025-03-03")]):
        issued[deal["owner_id"]] = rpc(sales, "issue_invoice", ADMIN, {
            "deal_id": deal["id"], "issued_on": issued_on, "due_on": due_on})
    rpc(sales, "record_payment", REP_A, issued[REP_A.user_id]["id"],
        {"amount": "10.00", "received_on": "2025-01-20"})
    return issued


def reported(reporting, principal=ADMIN):
    cash = rpc(reporting, "sales_cash", principal, {"from": "2025-01-01", "to": "2025-03-31",
                                                     "granularity": "total"})
    receivables = rpc(reporting, "sales_receivables", principal, {"as_of": AS_OF})
    return cash["totals"]["by_currency"], receivables


def test_cash_and_receivables_equal_sales_invoices(producers, databases, reporting):
    deal_workload(producers)
    issued = invoices(producers)
    a, b = issued[REP_A.user_id], issued[REP_B.user_id]
    invoiced = str(sum(Decimal(i["total"]) for i in (a, b)))

    def right():
        totals, receivables = reported(reporting)
        eur = totals.get("EUR", {})
        return (eur.get("invoiced") == invoiced and eur.get("collected") == "10.00"
                and receivables["overdue_invoice_count"] == 2)
    wait_until(right, timeout=20, message="cash KPIs right")
    _totals, receivables = reported(reporting)
    days = {item["id"]: item["days_overdue"] for item in receivables["overdue_invoices"]}
    assert days == {a["id"]: (date(2025, 3, 15) - date(2025, 2, 9)).days,
                    b["id"]: (date(2025, 3, 15) - date(2025, 3, 3)).days}
    aging = receivables["totals"]["by_currency"]["EUR"]["aging"]
    assert aging["31-60"]["invoices"] == 1 and aging["1-30"]["invoices"] == 1
    mine = rpc(reporting, "sales_receivables", REP_C, {"as_of": AS_OF})
    assert mine["overdue_invoice_count"] == 0 and mine["rows"] == []
    result = reconcile(reporting)
    assert result["ok"] and result["stable"] and result["checked"]["invoices"] == 2, result
