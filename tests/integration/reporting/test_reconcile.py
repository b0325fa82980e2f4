"""Reconciliation against the real customers service's own data."""
import pytest
from sqlalchemy import update

from services.chassis.errors import Forbidden
from services.reporting.domains.customers.models import InteractionActivity
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.support import ADMIN, REP_A, kpis_match, publish_people, workload


def reconcile(reporting):
    job = rpc(reporting, "request_reconcile", ADMIN)
    rpc(reporting, "run_jobs", ADMIN)      # the job timer's tick, now (if the timer took it first,
                                           # it finishes meanwhile: waited for below)

    def finished():
        current = rpc(reporting, "get_job", ADMIN, job["id"])
        return current if current["status"] in ("done", "failed") else None
    done = wait_until(finished, timeout=30, message="reconcile done")
    assert done["status"] == "done", done
    return done["result"]


@pytest.mark.dialect_sensitive("reconcile's expected-vs-actual queries")
def test_reconcile_reports_no_difference_after_a_workload(producers, databases, start_reporting):
    reporting = start_reporting()
    publish_people(producers, databases)
    workload(producers["customers"])
    workload(producers["customers"], tag="second")
    result = reconcile(reporting)          # runs its own catch-up first: no need to wait
    assert result["differences"] == [] and result["ok"] and result["stable"], result
    assert result["checked"]["customers"] == 14 and result["checked"]["live_customers"] == 12
    assert result["checked"]["interactions"] == 10
    assert kpis_match(reporting, databases)


@pytest.mark.dialect_sensitive("reconcile's expected-vs-actual queries")
def test_reconcile_reports_a_difference(producers, databases, start_reporting):
    reporting = start_reporting()
    publish_people(producers, databases)
    workload(producers["customers"])
    wait_until(lambda: kpis_match(reporting, databases), timeout=20, message="KPIs right")
    with databases["reporting"].begin() as connection:        # a bug, simulated
        connection.execute(update(InteractionActivity).where(InteractionActivity.kind == "note")
                           .values(count=InteractionActivity.count + 1))
    result = reconcile(reporting)
    assert not result["ok"] and result["difference_count"] == 1
    (difference,) = result["differences"]
    assert difference["kpi"] == "interactions" and difference["key"]["kind"] == "note"
    assert (difference["expected"], difference["actual"]) == (1, 2)


def test_the_producers_data_is_for_admins_and_the_system_only(producers, databases):
    with pytest.raises(Forbidden):
        rpc(producers["customers"], "reconcile_customer_facts", REP_A)
    with pytest.raises(Forbidden):
        rpc(producers["customers"], "reconcile_interaction_counts", REP_A)
    assert rpc(producers["customers"], "reconcile_customer_facts", ADMIN)["items"] == []
