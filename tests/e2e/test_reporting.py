"""Reporting end to end: it catches up after an outage, rebuilds to the same numbers (API and
command), reconciles with no difference, and exposes its metrics."""
import json
import subprocess
import sys
import uuid
from collections import Counter
from datetime import datetime, timezone

import pytest
import requests

from tests.e2e.system import ROOT
from tests.helpers import wait_until

pytestmark = pytest.mark.e2e

DIMENSIONS = ["owner_id", "lifecycle_stage", "region", "value_class", "industry"]


def span(*moments):
    """{"from", "to"}: the UTC days the records' own timestamps fall on — the report window
    follows the data, not today's date, so a run across midnight keeps it."""
    days = sorted(datetime.fromisoformat(moment).astimezone(timezone.utc).date().isoformat()
                  for moment in moments)
    return {"from": days[0], "to": days[-1]}


def composition(client, **params):
    report = client.ok("GET", "reports/customers/composition",
                       params={"group_by": ",".join(DIMENSIONS), **params})
    return Counter({tuple(row[name] for name in DIMENSIONS): row["count"] for row in report["rows"]})


def everything(client, period):
    """Every KPI as the caller sees it in `period` (what a rebuild must not change)."""
    return {
        "composition": composition(client),
        "new": client.ok("GET", "reports/customers/new",
                         params={**period, "group_by": ",".join(DIMENSIONS)})["rows"],
        "interactions": client.ok("GET", "reports/interactions", params=period)["rows"]}


def caught_up(admin, region_name, want):
    """The region's composition equals `want` (a 503 while reporting restarts is "not yet")."""
    response = admin.get("reports/customers/composition", params={
        "group_by": ",".join(DIMENSIONS), "region": region_name})
    return response.status_code == 200 and Counter({
        tuple(row[name] for name in DIMENSIONS): row["count"]
        for row in response.json()["rows"]}) == want


def expected_composition(admin, region_name):
    """The oracle: customers' own list of live customers in the region."""
    return Counter(tuple(c[name] for name in DIMENSIONS)
                   for c in admin.list_all("customers", {"region": region_name}))


def finished_job(admin, job_id):
    job = admin.ok("GET", f"reports/jobs/{job_id}")
    return job if job["status"] in ("done", "failed") else None


def reconcile_ok(admin):
    job = admin.ok("POST", "reports/reconcile", expect=202)
    done = wait_until(lambda: finished_job(admin, job["id"]), timeout=60, message="reconcile")
    assert done["status"] == "done", done
    return done["result"]


def test_stopped_reporting_catches_up_and_every_kpi_is_right(system, admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    other = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    system.stop_service("reporting")
    try:
        assert admin.get("reports/customers/composition").status_code == 503
        created = [admin.create_customer(name=f"Report {n} {uuid.uuid4().hex[:6]}",
                                         region=region_name, value_class="ABC"[n % 3],
                                         industry=["Tech", None][n % 2],
                                         owner_id=rep.user["id"]) for n in range(6)]
        ids = [customer["id"] for customer in created]
        rep.ok("PATCH", f"customers/{ids[0]}", json={"lifecycle_stage": "customer"})
        admin.ok("POST", f"customers/{ids[1]}/assign", json={"owner_id": other.user["id"]})
        admin.ok("POST", "customers/merge", json={"winner_id": ids[2], "loser_id": ids[3]})
        logged = [rep.ok("POST", f"customers/{ids[0]}/interactions", expect=201,
                         json={"kind": kind, "summary": "while reporting was down"})
                  for kind in ("call", "call", "email")]
    finally:
        system.start_service("reporting")

    want = expected_composition(admin, region_name)
    assert sum(want.values()) == 5
    wait_until(lambda: caught_up(admin, region_name, want), timeout=60,
               message="composition caught up")
    new = admin.ok("GET", "reports/customers/new", params={
        **span(*(customer["created_at"] for customer in created)), "region": region_name,
        "granularity": "total"})
    assert new["total"] == 5
    activity = rep.ok("GET", "reports/interactions", params={
        **span(*(interaction["occurred_at"] for interaction in logged)),
        "group_by": "user_id,kind"})
    assert {(row["user_id"], row["kind"]): row["count"] for row in activity["rows"]} == {
        (rep.user["id"], "call"): 2, (rep.user["id"], "email"): 1}
    mine = composition(rep)                                   # a rep: their own records only
    assert {key[0] for key in mine} == {rep.user["id"]} and sum(mine.values()) == 4
    assert activity["freshness"]["lag_seconds"] is not None
    result = reconcile_ok(admin)
    assert result["ok"] and result["differences"] == [], result


def test_rebuild_by_api_and_by_command_leaves_every_number_as_it_was(system, admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    customer = rep.create_customer(region=region_name)
    logged = rep.ok("POST", f"customers/{customer['id']}/interactions", expect=201,
                    json={"kind": "meeting", "summary": "before the rebuild"})
    period = span(customer["created_at"], logged["occurred_at"])
    wait_until(lambda: caught_up(admin, region_name, expected_composition(admin, region_name)),
               timeout=30, message="reports up to date")
    before = everything(admin, period)

    job = admin.ok("POST", "reports/rebuild", json={"projections": ["all"]}, expect=202)
    done = wait_until(lambda: finished_job(admin, job["id"]), timeout=120, message="rebuild")
    assert done["status"] == "done", done
    assert done["result"]["before"]["customers"] == done["result"]["after"]["customers"]
    assert everything(admin, period) == before

    command = subprocess.run([sys.executable, "-m", "services.reporting.rebuild", "customers"],
                             cwd=ROOT, env=system.env, capture_output=True, text=True, timeout=120)
    assert command.returncode == 0, command.stdout + command.stderr
    assert json.loads(command.stdout)["status"] == "done"
    assert everything(admin, period) == before
    check = subprocess.run([sys.executable, "-m", "services.reporting.reconcile"], cwd=ROOT,
                           env=system.env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr


def test_reporting_metrics(system, admin):
    port = system.metrics_ports["reporting"]

    def body():
        text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        return text if "crm_customers_by_lifecycle_stage{" in text else None
    text = wait_until(body, timeout=30, message="business gauges published")
    for name in ("crm_report_freshness_seconds_bucket", "crm_consumer_lag_seconds",
                 'crm_events_consumed_total{event_type="customer_created",outcome="processed",'
                 'service="reporting"'):
        assert name in text, name
