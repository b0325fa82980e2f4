"""/api/v1/reports/… through the real gateway to the real reporting service."""
import pytest

from gateway.service import GatewayService
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.gateway.support import API, Client, assert_problem
from tests.helpers import free_port
from tests.integration.reporting.support import ADMIN, kpis_match, publish_people, workload

R = f"{API}/reports"


@pytest.fixture
def gateway(started, rabbit_config, container_factory):
    port = free_port()
    container = container_factory(GatewayService, dict(rabbit_config, WEB_SERVER_ADDRESS=f"127.0.0.1:{port}"))
    container.start()
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("dialect", ["sqlite"], indirect=True)
def test_reports_over_http_are_scoped_validated_and_fresh(producers, databases, start_reporting, gateway):
    reporting = start_reporting()
    publish_people(producers, databases)
    workload(producers["customers"])
    wait_until(lambda: kpis_match(reporting, databases), timeout=20, message="KPIs right")
    rep = Client(gateway).as_user(user_id="u-rep-a", role="sales_rep", team_id="t1")

    composition = rep.get(f"{R}/customers/composition?group_by=owner_id,lifecycle_stage")
    assert composition.status_code == 200, composition.text
    body = composition.json()
    assert {row["owner_id"] for row in body["rows"]} == {"u-rep-a"} and body["total"] == 1
    assert body["freshness"]["applied_at"] and body["freshness"]["lag_seconds"] >= 0

    new = rep.get(f"{R}/customers/new", params={"from": "2025-03-10", "to": "2025-03-16",
                                                 "tz": "Europe/Berlin", "granularity": "week"})
    assert new.status_code == 200 and new.json()["period"]["tz"] == "Europe/Berlin"
    activity = rep.get(f"{R}/interactions?group_by=kind&kind=call,email").json()
    assert {row["kind"]: row["count"] for row in activity["rows"]} == {"call": 1, "email": 1}
    assert rep.get(f"{R}/freshness").json()["sources"]["customers"]["sequence"] > 0

    assert_problem(rep.get(f"{R}/customers/composition?group_by=name"), 422)
    assert_problem(rep.get(f"{R}/customers/composition?colour=red"), 422)
    assert_problem(rep.get(f"{R}/interactions?tz=Mars/Olympus"), 422)
    assert_problem(rep.post(f"{R}/rebuild", json={}), 403)


@pytest.mark.parametrize("dialect", ["sqlite"], indirect=True)
def test_admin_jobs_over_http(producers, databases, start_reporting, gateway):
    reporting = start_reporting()
    admin = Client(gateway).as_user(user_id="u-admin", role="admin", team_id=None)
    assert_problem(admin.post(f"{R}/rebuild", json={"projections": ["tickets"]}), 422)
    started = admin.post(f"{R}/rebuild", json={"projections": ["customers"]})
    assert started.status_code == 202, started.text
    job = started.json()
    assert started.headers["Location"] == f"{R}/jobs/{job['id']}"
    assert job["params"] == {"projections": ["customers"]}

    reconcile = admin.post(f"{R}/reconcile")
    assert reconcile.status_code == 202 and reconcile.json()["kind"] == "reconcile"
    for _job in range(2):                  # the job timer's ticks, now: the rebuild, the reconcile
        rpc(reporting, "run_jobs", ADMIN)

    def finished():
        current = admin.get(f"{R}/jobs/{reconcile.json()['id']}").json()
        return current if current["status"] in ("done", "failed") else None
    assert wait_until(finished, timeout=30, message="reconcile done")["result"]["ok"]
    assert_problem(admin.get(f"{R}/jobs/nope"), 404)


@pytest.mark.parametrize("dialect", ["sqlite"], indirect=True)
def test_sales_kpi_routes_over_http_answer_validate_and_are_documented(producers, start_reporting,
                                                                        gateway):
    start_reporting()
    rep = Client(gateway).as_user(user_id="u-rep-a", role="sales_rep", team_id="t1")
    for path, params in (("sales/revenue", {"group_by": "region,product_id",
                                            "granularity": "quarter"}),
                         ("sales/win-rate", {"group_by": "team_id", "region": "EU"}),
                         ("sales/stage-conversion", {"tz": "Europe/Berlin"}),
                         ("sales/time-in-stage", {"owner_id": "u-rep-a"}),
                         ("sales/cash", {"granularity": "month", "group_by": "region"}),
                         ("sales/receivables", {"as_of": "2025-03-15", "limit": "5"}),
                         ("sales/targets", {"period_kind": "quarter",
                                            "period_start": "2025-01-01"})):
        answer = rep.get(f"{R}/{path}", params=params)
        assert answer.status_code == 200, (path, answer.text)
        assert answer.json()["rows"] == [] and "freshness" in answer.json()
    for path, params in (("sales/revenue", {"group_by": "customer_id"}),
                         ("sales/revenue", {"granularity": "decade"}),
                         ("sales/time-in-stage", {"from": "2025-02-30"}),
                         ("sales/receivables", {"limit": "501"}),
                         ("sales/receivables", {"as_of": "yesterday"}),
                         ("sales/targets", {"period_kind": "week"})):
        assert_problem(rep.get(f"{R}/{path}", params=params), 422)
    paths = Client(gateway).get(f"{API}/openapi.json").json()["paths"]
    for path in ("stage-conversion", "time-in-stage", "cash", "receivables", "targets"):
        assert f"{R}/sales/{path}" in paths, path
