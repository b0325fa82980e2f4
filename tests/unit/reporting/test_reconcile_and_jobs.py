"""Reconciliation against the producer's own data, and the job lifecycle around it."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from services.chassis.auth import Principal
from services.chassis.errors import NotFound, TooManyRequests
from services.reporting import consumer, jobs, lease, reconcile
from services.reporting.domains.customers.models import CustomerComposition
from services.reporting.domains.sales.models import DealOutcomes
from services.reporting.models import ReportJob
from tests.unit.reporting.sales_support import ProducersRpc
from tests.unit.reporting.support import T0, CustomersRpc, apply

ADMIN = Principal("u-admin", "admin")


def deal_workload(sales):
    """Deals in every state: won, lost, reopened, amount changed, still open."""
    for index in range(5):
        sales.create(f"d{index}", owner_id=f"u{index % 2}", amount=f"{index}9.99",
                     created_at=T0 + timedelta(hours=7 * index))
    sales.move("d0", "won", T0 + timedelta(days=2))
    sales.move("d1", "lost", T0 + timedelta(days=1), "price")
    sales.move("d1", "negotiation", T0 + timedelta(days=3))
    sales.update("d2", amount="123.45")
    sales.move("d3", "proposal")


@pytest.fixture
def rpc(customers, sales):
    return ProducersRpc(CustomersRpc(customers), sales)


@pytest.fixture
def workload(db, customers, identity, sales):
    """A mixed workload, half applied live; reconcile's own catch-up must fetch the rest."""
    for index in range(7):
        customers.create(f"c{index}", owner_id=f"u{index % 3}", region=["EU", None][index % 2],
                         created_at=T0 + timedelta(hours=5 * index), value_class="B")
        customers.interaction(f"u{index % 2}", ["call", "email"][index % 2],
                              T0 + timedelta(hours=9 * index))
    customers.assign("c0", "u2")
    customers.update("c1", lifecycle_stage="customer", industry="Retail")
    customers.merge("c2", "c5")
    deal_workload(sales)
    apply(db, *customers.events[::2], *sales.events[1::2])
    return {"customers": customers.fetch, "identity": identity.fetch, "sales": sales.fetch,
            "marketing": lambda _position, _limit: [], "service_desk": lambda _position, _limit: [],
            "procurement": lambda _position, _limit: []}


def run_reconcile(db, fetchers, call):
    with lease.hold(db) as held:
        return reconcile.reconcile(db, fetchers, call, held)


def test_reconcile_finds_no_difference_after_a_workload(db, customers, sales, workload, rpc):
    result = run_reconcile(db, workload, rpc)
    assert result["differences"] == [] and result["ok"] and result["stable"]
    assert result["as_of_sequence"] == len(customers.events)
    assert result["as_of"] == {"customers": len(customers.events), "sales": len(sales.events),
                               "marketing": 0, "service_desk": 0, "procurement": 0}
    assert result["checked"] == {"customers": 7, "live_customers": 6, "interactions": 7,
                                 "deals": 5, "closed_deals": 1, "stage_entries": 9,
                                 "invoices": 0, "targets": None, "campaigns": 0,
                                 "campaign_emails_sent": 0, "campaign_leads": 0,
                                 "campaign_sales_leads": 0, "tickets": 0,
                                 "ticket_sla_breaches": 0, "ticket_reopens": 0,
                                 "surveys_answered": 0, "followups": 0, "suppliers": 0,
                                 "supplier_evaluations": 0, "requests_decided": 0, "orders": 0,
                                 "receipts": 0}
    assert result["not_reconciled"] == ["sales.reconcile_target_facts"]


def test_a_producer_without_a_borrowed_method_is_named_not_reconciled(db, customers, sales,
                                                                      workload):
    """marketing's KPIs also read sales' reconcile_lead_facts: a sales without it is named,
    its comparisons left out, and the rest still reconciled."""
    older = ProducersRpc(CustomersRpc(customers), sales, without=("reconcile_lead_facts",))
    result = run_reconcile(db, workload, older)
    assert result["ok"] and result["stable"]
    assert result["not_reconciled"] == ["sales.reconcile_target_facts",
                                        "sales.reconcile_lead_facts"]
    assert result["checked"]["campaign_sales_leads"] is None


def test_reconcile_reports_a_deal_kpi_that_drifted(db, workload, rpc):
    run_reconcile(db, workload, rpc)
    with db.unit_of_work() as uow:
        uow.session.execute(update(DealOutcomes).values(amount_cents=DealOutcomes.amount_cents + 1))
    result = run_reconcile(db, workload, rpc)
    assert [(d["kpi"], d["key"]["status"], d["actual"] - d["expected"])
            for d in result["differences"]] == [("deal_outcomes.amount_cents", "won", 1)]


def test_sales_writing_during_reconcile_is_unstable(db, sales, workload, customers):
    busy = ProducersRpc(CustomersRpc(customers), sales,
                        on_sales_call=lambda: sales.create(f"busy{len(sales.events)}"))
    assert run_reconcile(db, workload, busy)["stable"] is False


def test_reconcile_reports_each_difference(db, customers, workload, rpc):
    run_reconcile(db, workload, rpc)
    with db.unit_of_work() as uow:
        uow.session.execute(update(CustomerComposition).where(
            CustomerComposition.lifecycle_stage == "customer").values(count=CustomerComposition.count + 2))
    result = run_reconcile(db, workload, rpc)
    assert not result["ok"] and result["difference_count"] == 1
    (difference,) = result["differences"]
    assert difference["kpi"] == "composition" and difference["key"]["industry"] == "Retail"
    assert difference["actual"] == difference["expected"] + 2


def test_writes_during_reconcile_are_reported_as_unstable_not_as_differences(db, customers, sales, workload):
    busy = ProducersRpc(CustomersRpc(customers, on_call=lambda: customers.interaction("u9", "note")),
                        sales)
    result = run_reconcile(db, workload, busy)
    assert result["stable"] is False


def test_a_job_runs_once_and_records_its_result(db, customers, workload, rpc):
    job = jobs.request(db, ADMIN, "reconcile", {})
    assert job["status"] == "pending" and job["requested_by"] == "u-admin"
    assert jobs.claim_next(db) == job["id"]
    assert jobs.claim_next(db) is None                 # claimed: nobody else runs it
    jobs.run(db, job["id"], workload, rpc)
    with db.read_only() as session:
        done = jobs.get(session, job["id"])
        with pytest.raises(NotFound):
            jobs.get(session, "nope")
    assert done["status"] == "done" and done["result"]["ok"] and done["finished_at"]


def test_a_busy_lease_puts_the_job_back_and_a_failure_is_recorded(db, customers, workload):
    job = jobs.request(db, ADMIN, "rebuild", {"projections": ["customers"]})
    jobs.claim_next(db)
    with lease.hold(db):
        assert jobs.run(db, job["id"], workload, None, lease_wait=0) is None
    assert jobs.claim_next(db) == job["id"]            # pending again, so claimable
    broken = {"customers": lambda position, limit: 1 / 0, "identity": workload["identity"]}
    jobs.run(db, job["id"], broken, None)
    with db.read_only() as session:
        failed = jobs.get(session, job["id"])
    assert failed["status"] == "failed" and "ZeroDivisionError" in failed["error"]


def test_a_job_whose_runner_died_is_requeued(db, monkeypatch):
    job = jobs.request(db, ADMIN, "reconcile", {})
    jobs.claim_next(db)
    with db.unit_of_work() as uow:
        uow.session.execute(update(ReportJob).values(heartbeat_at=T0))
    assert jobs.claim_next(db) == job["id"]


def test_requests_join_the_pending_job_of_their_kind_and_the_queue_is_bounded(db, monkeypatch):
    """Finding 4 of issue 10: 96 queued jobs took 18 minutes to drain."""
    first = jobs.request(db, ADMIN, "rebuild", {"projections": ["deals"]})
    joined = [jobs.request(db, ADMIN, "rebuild", {"projections": names})
              for names in (["deals"], ["customers"], ["deals", "users"])] + \
             [jobs.request(db, ADMIN, "rebuild", {"projections": ["deals"]}) for _ in range(46)]
    assert {job["id"] for job in joined} == {first["id"]}
    with db.read_only() as session:
        assert jobs.get(session, first["id"])["params"] == {"projections": ["users", "customers",
                                                                            "deals"]}
    assert jobs.claim_next(db) == first["id"]                  # running: the next one queues
    queued = jobs.request(db, ADMIN, "rebuild", {"projections": ["deals"]})
    assert queued["id"] != first["id"]
    assert jobs.request(db, ADMIN, "rebuild", {"projections": ["cash"]})["id"] == queued["id"]
    monkeypatch.setenv("REPORTING_MAX_QUEUED_JOBS", "1")
    with pytest.raises(TooManyRequests) as refused:
        jobs.request(db, ADMIN, "reconcile", {})
    assert refused.value.details["retry_after"] >= 1
    assert jobs.request(db, ADMIN, "rebuild", {"projections": ["deals"]})["id"] == queued["id"]
    with db.read_only() as session:
        assert session.scalar(select(func.count()).select_from(ReportJob)) == 2


def test_the_periodic_catch_up_yields_to_a_waiting_job(db, customers, workload):
    """Rounds that followed each other kept the lease from a rebuild for ever (the flaky
    PostgreSQL "rebuild while events flow" test): a waiting or running job goes first."""
    customers.create("c1")
    job = jobs.request(db, ADMIN, "rebuild", {"projections": ["customers"]})
    assert consumer.catch_up_round(db, workload) == {}
    jobs.claim_next(db)
    assert consumer.catch_up_round(db, workload) == {}
    jobs.run(db, job["id"], workload, None)
    assert consumer.catch_up_round(db, workload) != {}
