"""Reconciliation of the product cuts, stage entries / time in stage and cash against sales'
own data (reconcile_deal_history, reconcile_cash_facts): zero difference after a mixed
workload delivered half live in any order, and a drifted fact is reported."""
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, update

from services.reporting import lease, reconcile
from services.reporting.domains.sales.models import DealFact
from services.reporting.domains.sales.models import DealLineFact, DealStageEntry, PaymentFact, TargetFact
from tests.unit.reporting.cash_support import Cash
from tests.unit.reporting.sales_support import ProducersRpc
from tests.unit.reporting.support import T0, CustomersRpc, apply

DAY = timedelta(days=1)


@pytest.fixture
def workload(db, customers, identity, sales):
    cash = Cash(sales)
    sales.create("d1", "u1", lines=[("p1", "GTX Pro", "100.00"), ("p2", "MG", "20.50")])
    sales.move("d1", "proposal", T0 + DAY)
    sales.move("d1", "won", T0 + 3 * DAY)
    sales.create("d2", "u2", lines=[("p1", "GTX Pro", "40.00")], created_at=T0 + DAY)
    sales.move("d2", "lost", T0 + 2 * DAY, "price")
    sales.move("d2", "negotiation", T0 + 4 * DAY)
    sales.move("d2", "won", T0 + 5 * DAY)
    sales.create("d3", "u1", lines=[("p2", "MG", "5.00")])
    cash.issue("i1", "120.50", date(2025, 3, 20), date(2025, 4, 19), owner_id="u1")
    cash.pay("i1", "20.50", date(2025, 3, 25))
    cash.issue("i2", "40.00", date(2025, 3, 21), date(2025, 3, 22), owner_id="u2")
    cash.issue("i3", "9.00", date(2025, 3, 21), date(2025, 3, 22), owner_id="u2")
    cash.pay("i3", "9.00", date(2025, 3, 23))
    cash.issue("i4", "1.00", date(2025, 3, 21), date(2025, 3, 22), owner_id="u2")
    cash.cancel("i4")
    cash.target("company", "200.00", currency="EUR",
                period=("quarter", date(2025, 1, 1), date(2025, 3, 31)))
    cash.target("cash-u1", "50.00", "rep", "u1", measure="cash_collected", currency="USD")
    cash.target("gone", "1.00")
    cash.remove("gone")
    apply(db, *reversed(sales.events[1::2]))
    return {"customers": customers.fetch, "identity": identity.fetch, "sales": sales.fetch,
            "marketing": lambda _position, _limit: [], "service_desk": lambda _position, _limit: [],
            "procurement": lambda _position, _limit: []}


def run(db, fetchers, rpc):
    with lease.hold(db) as held:
        return reconcile.reconcile(db, fetchers, rpc, held)


@pytest.fixture
def rpc(customers, sales):
    return ProducersRpc(CustomersRpc(customers), sales)


def test_zero_difference_after_a_workload(db, workload, rpc):
    result = run(db, workload, rpc)
    assert result["ok"] and result["stable"] and result["differences"] == [], result
    assert result["checked"]["stage_entries"] == 8 and result["checked"]["invoices"] == 4
    assert result["checked"]["targets"] == 2 and result["not_reconciled"] == []


@pytest.mark.parametrize("drift,kpi", [
    (update(DealLineFact).where(DealLineFact.product_id == "p2")
     .values(total_cents=DealLineFact.total_cents + 1), "deal_products.amount_cents"),
    (delete(DealStageEntry).where(DealStageEntry.to_stage == "negotiation"), "stage_entries"),
    (update(PaymentFact).values(amount_cents=1), "cash.collected"),
    (update(TargetFact).where(TargetFact.id == "company").values(amount_cents=1),
     "targets.amount_cents"),
    (update(DealFact).where(DealFact.id == "d1").values(amount_cents=1),
     "targets.attained_cents"),
])
def test_a_drifted_fact_is_reported(db, workload, rpc, drift, kpi):
    run(db, workload, rpc)
    with db.unit_of_work() as uow:
        uow.session.execute(drift)
    result = run(db, workload, rpc)
    assert not result["ok"] and kpi in {d["kpi"] for d in result["differences"]}, result
