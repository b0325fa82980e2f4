"""Rebuild through the admin RPC beside the live read models (issue 10, finding 4): the
reports answer the complete figures while it runs, the switch loses and doubles nothing while
the customers service keeps writing, and concurrent requests join one job.

The replay is paced from inside (`paced`): before each page the shadow reads, the test does
what it wants to overlap — a report read, a write — so the overlap is certain whatever the
machine's load, instead of hoping a free-running writer lands mid-replay (the old version of
the "events flow" test timed out under load: a catch-up round that followed the last one kept
the lease from the job, which went back to pending every five seconds, consumer.py)."""
from datetime import datetime

import eventlet
import eventlet.event
import eventlet.queue
import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import func, select

from services.chassis.errors import Forbidden, Invalid
from services.customers.models import Customer
from services.reporting import consumer
from services.reporting.models import ReportJob
from tests.helpers import wait_until
from tests.integration.customers.support import as_, rpc
from tests.integration.reporting.support import (ADMIN, REP_A, kpis_match, publish_people,
                                                 workload)
from tests.integration.reporting.test_reconcile import reconcile


class Pacer:
    """Before each page a rebuild's shadow reads, the rebuild waits while the test's own green
    thread does `action` (a report read, a write), until `run` returns. A replay has a
    target; the periodic and post-switch catch-ups have none and are left alone (and so is
    the reconcile's, once `run` has returned)."""

    def __init__(self, monkeypatch):
        self.turns, self.back = eventlet.queue.Queue(), eventlet.queue.Queue()
        self.active = True
        real = consumer.bounded

        def bounded(fetch, held, until=None):
            fetch_page = real(fetch, held, until)
            if until is None or not self.active:
                return fetch_page

            def page(position, limit):
                self.turns.put(True)
                self.back.get(timeout=60)
                return fetch_page(position, limit)
            return page
        monkeypatch.setattr(consumer, "bounded", bounded)

    def run(self, reporting, databases, job, action):
        """Wait for the job (the job timer runs it), doing `action` at each page; returns the
        finished job. Its status is read from the database: the test's RPC hooks are never
        made from two green threads at once (nameko's entrypoint waiters would mix)."""
        while True:
            wait_until(lambda: not self.turns.empty() or job_over(databases, job["id"]),
                       timeout=90, message="a replayed page or the end of the job")
            if self.turns.empty():
                self.active = False
                return finished(reporting, job["id"])
            self.turns.get()
            try:
                action()
            finally:
                self.back.put(True)


class HeldReplay:
    """Every page a rebuild's replay reads waits until `release`: a job cannot finish (and
    free the way for a third) while the test is still sending its requests, however slowly a
    loaded machine serves them."""

    def __init__(self, monkeypatch):
        self.released = eventlet.event.Event()
        real = consumer.bounded

        def bounded(fetch, held, until=None):
            fetch_page = real(fetch, held, until)
            if until is None:
                return fetch_page

            def page(position, limit):
                with eventlet.Timeout(60):
                    self.released.wait()
                return fetch_page(position, limit)
            return page
        monkeypatch.setattr(consumer, "bounded", bounded)

    def release(self):
        self.released.send()


def job_over(databases, job_id):
    with databases["reporting"].connect() as connection:
        return connection.execute(select(ReportJob.status).where(ReportJob.id == job_id)
                                  ).scalar() in ("done", "failed")


def finished(reporting, job_id):
    job = rpc(reporting, "get_job", ADMIN, job_id)
    return job if job["status"] in ("done", "failed") else None


def written_between(engine, started_at, finished_at):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Customer).where(
            Customer.created_at >= datetime.fromisoformat(started_at),
            Customer.created_at <= datetime.fromisoformat(finished_at))).scalar()


def settled(reporting, databases):
    """KPIs right, else one more catch-up round (as the timer would) and look again."""
    if kpis_match(reporting, databases):
        return True
    rpc(reporting, "catch_up_events", ADMIN)
    return False


def history(producers, databases, rounds=3):
    publish_people(producers, databases)
    for round_ in range(rounds):             # enough history for the replay to take pages
        workload(producers["customers"], tag=f"r{round_}")


@pytest.mark.dialect_sensitive("rebuild beside the live tables: shadow schema, switch")
def test_reports_answer_the_complete_figures_while_a_rebuild_runs_and_after_the_switch(
        producers, databases, start_reporting, monkeypatch):
    monkeypatch.setenv("REPORTING_PAGE_SIZE", "5")
    monkeypatch.setenv("REPORTING_JOB_POLL_SECONDS", "0.2")     # the timer runs the job
    reporting = start_reporting()
    history(producers, databases)
    wait_until(lambda: kpis_match(reporting, databases), timeout=30, message="KPIs right")
    during = []

    def read_reports():                     # what a user sees between two pages of the replay
        freshness = rpc(reporting, "get_freshness", ADMIN)
        during.append((kpis_match(reporting, databases), freshness["rebuilding"]))
    pacer = Pacer(monkeypatch)
    job = rpc(reporting, "request_rebuild", ADMIN, ["all"])
    assert pacer.run(reporting, databases, job, read_reports)["status"] == "done"
    assert len(during) >= 10, during
    assert all(complete for complete, _rebuilding in during), \
        f"a report answered partial figures during the rebuild: {during}"
    assert all("customers" in rebuilding for _complete, rebuilding in during)
    assert kpis_match(reporting, databases)                 # after the switch
    assert rpc(reporting, "get_freshness", ADMIN)["rebuilding"] == []
    result = reconcile(reporting)
    assert result["ok"] and result["difference_count"] == 0, result


@pytest.mark.parametrize("projections", [["all"], ["customers", "interactions"]])
@pytest.mark.dialect_sensitive("rebuild while events flow (locks, the switch)")
def test_rebuild_while_events_flow_counts_everything_once(
        producers, databases, start_reporting, projections, monkeypatch):
    monkeypatch.setenv("REPORTING_PAGE_SIZE", "5")
    monkeypatch.setenv("REPORTING_JOB_POLL_SECONDS", "0.2")     # the timer runs the job
    reporting = start_reporting()
    history(producers, databases)
    wait_until(lambda: kpis_match(reporting, databases), timeout=30, message="KPIs right")
    written = []

    def write_one():                         # a customer and an interaction per replayed page
        if len(written) < 12:
            created = rpc(producers["customers"], "create_customer", ADMIN,
                          {"name": f"During rebuild {len(written)}", "owner_id": REP_A.user_id})
            rpc(producers["customers"], "log_interaction", REP_A, created["id"],
                {"kind": "call", "summary": "s"})
            written.append(created["id"])
    pacer = Pacer(monkeypatch)
    job = rpc(reporting, "request_rebuild", ADMIN, projections)
    assert job["status"] == "pending" and job["kind"] == "rebuild"
    done = pacer.run(reporting, databases, job, write_one)
    assert done["status"] == "done", done
    assert written_between(databases["customers"], done["started_at"], done["finished_at"]) > 0
    assert done["result"]["sources"]["customers"]["position"] > 0
    # Live events and the next catch-up rounds bring everything else in; nothing twice.
    wait_until(lambda: settled(reporting, databases), timeout=30,
               message="KPIs right after the rebuild")
    assert reconcile(reporting)["difference_count"] == 0


@pytest.mark.dialect_sensitive("concurrent job requests: the row lock that merges them")
def test_fifty_concurrent_rebuild_requests_make_at_most_two_jobs_that_drain_fast(
        producers, databases, start_reporting, rabbit_config, monkeypatch):
    monkeypatch.setenv("REPORTING_JOB_POLL_SECONDS", "0.2")
    reporting = start_reporting()
    history(producers, databases, rounds=1)
    held = HeldReplay(monkeypatch)
    with ServiceRpcProxy("reporting", rabbit_config, context_data=as_(ADMIN),
                         timeout=60) as proxy:           # over the broker: really concurrent
        replies = [proxy.request_rebuild.call_async(["all"]) for _ in range(50)]
        ids = {reply.result()["id"] for reply in replies}
    held.release()
    assert len(ids) <= 2, ids
    with databases["reporting"].connect() as connection:
        assert connection.execute(select(func.count()).select_from(ReportJob)).scalar() <= 2
    for job_id in ids:
        wait_until(lambda job_id=job_id: job_over(databases, job_id), timeout=60,
                   message="the jobs drained")
        assert finished(reporting, job_id)["status"] == "done"
    wait_until(lambda: settled(reporting, databases), timeout=30, message="KPIs right")


def test_rebuild_is_for_admins_and_checks_its_input(producers, databases, start_reporting):
    reporting = start_reporting()
    with pytest.raises(Forbidden):
        rpc(reporting, "request_rebuild", REP_A, ["all"])
    with pytest.raises(Invalid):
        rpc(reporting, "request_rebuild", ADMIN, ["tickets"])
    with pytest.raises(Invalid):
        rpc(reporting, "request_rebuild", ADMIN, "all")
