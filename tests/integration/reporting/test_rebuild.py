"""Rebuild through the admin RPC while the customers service keeps writing."""
from datetime import datetime

import eventlet
import pytest
from sqlalchemy import func, select

from services.chassis.errors import Forbidden, Invalid
from services.customers.models import Customer
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.support import (ADMIN, REP_A, kpis_match, publish_people,
                                                 workload)


def keep_writing(customers, stop, progress):
    """Customers and interactions, one after another, until told to stop."""
    while not stop.ready():
        created = rpc(customers, "create_customer", ADMIN,
                      {"name": f"During rebuild {progress[0]}", "owner_id": REP_A.user_id})
        rpc(customers, "log_interaction", REP_A, created["id"], {"kind": "call", "summary": "s"})
        progress[0] += 1


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


@pytest.mark.parametrize("projections", [["all"], ["customers", "interactions"]])
@pytest.mark.dialect_sensitive("rebuild while events flow (locks)")
def test_rebuild_while_events_flow_counts_everything_once(
        producers, databases, start_reporting, projections, monkeypatch):
    # Small pages: the replay goes back to the broker often, and each round trip lets the
    # writer (a green thread in this process) in, so writes really land mid-replay.
    monkeypatch.setenv("REPORTING_PAGE_SIZE", "5")
    reporting = start_reporting()
    publish_people(producers, databases)
    for round_ in range(3):                   # enough history for the replay to take a while
        workload(producers["customers"], tag=f"r{round_}")
    wait_until(lambda: kpis_match(reporting, databases), timeout=20, message="KPIs right")

    stop, progress = eventlet.event.Event(), [0]
    writer = eventlet.spawn(keep_writing, producers["customers"], stop, progress)
    wait_until(lambda: progress[0] >= 3, message="the writer under way")
    job = rpc(reporting, "request_rebuild", ADMIN, projections)
    assert job["status"] == "pending" and job["kind"] == "rebuild"
    done = wait_until(lambda: finished(reporting, job["id"]), timeout=60, message="rebuild done")
    stop.send(True)
    writer.wait()

    assert done["status"] == "done", done
    assert written_between(databases["customers"], done["started_at"], done["finished_at"]) > 0, \
        "no write overlapped the rebuild"
    assert done["result"]["sources"]["customers"]["position"] > 0
    # Live events and the next catch-up rounds bring everything else in; nothing twice.
    wait_until(lambda: settled(reporting, databases), timeout=30,
               message="KPIs right after the rebuild")


def test_rebuild_is_for_admins_and_checks_its_input(producers, databases, start_reporting):
    reporting = start_reporting()
    with pytest.raises(Forbidden):
        rpc(reporting, "request_rebuild", REP_A, ["all"])
    with pytest.raises(Invalid):
        rpc(reporting, "request_rebuild", ADMIN, ["tickets"])
    with pytest.raises(Invalid):
        rpc(reporting, "request_rebuild", ADMIN, "all")
