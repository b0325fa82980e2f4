"""Monitoring against the running system: promtool accepts every service's /metrics, and a real
Prometheus (Debian's binary, its own free port and temp storage) scraping the project's config —
the same generator as deploy/prometheus.yml, pointed at this run's ports, every second — sees
every service up, a request through the gateway in its rate series, evaluates the rules without
an error and answers every dashboard panel's query. ~20 s on the shared e2e system."""
import json
import subprocess
import uuid

import pytest
import requests
import yaml

from services import dashboards, registry, registry_files
from tests.helpers import free_port, wait_until
from tests.prometheus_tools import PROMETHEUS_DIR, ROOT, binary, promtool

pytestmark = pytest.mark.e2e

START_TIMEOUT = 60.0
SCRAPE_TIMEOUT = 45.0        # scrapes and rule evaluations every second; generous for a load of 10


def test_promtool_accepts_every_services_metrics(system, admin):
    admin.ok("GET", "customers")                   # samples in the labelled series, not only HELP
    for name, port in system.metrics_ports.items():
        body = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert "crm_entrypoint_calls_total" in body, name
        promtool("check", "metrics", stdin=body)


class Prometheus:
    def __init__(self, workdir, system):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        targets = {name: f"127.0.0.1:{port}" for name, port in system.metrics_ports.items()}
        targets["prometheus"] = f"127.0.0.1:{self.port}"
        self.config = workdir / "prometheus.yml"
        self.config.write_text(registry_files.prometheus(
            targets, interval="1s", rule_files=str(PROMETHEUS_DIR / "*.rules.yml")))
        self.log = open(workdir / "prometheus.log", "wb")
        self.process = subprocess.Popen(
            [binary("prometheus"), f"--config.file={self.config}",
             f"--storage.tsdb.path={workdir / 'data'}", f"--web.listen-address=127.0.0.1:{self.port}"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)

    def ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"prometheus exited with {self.process.returncode}:\n{self.logs()}")
        try:
            return requests.get(self.url + "/-/ready", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def query(self, expr):
        """The instant vector of `expr` as {labels as sorted tuple: float}; fails on an error."""
        answer = requests.get(self.url + "/api/v1/query", params={"query": expr}, timeout=10).json()
        assert answer["status"] == "success", (expr, answer)
        return {tuple(sorted(sample["metric"].items())): float(sample["value"][1])
                for sample in answer["data"]["result"]}

    def logs(self):
        return (self.config.parent / "prometheus.log").read_text(errors="replace")[-4000:]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(15)
        self.log.close()


@pytest.fixture(scope="module")
def prometheus(system, tmp_path_factory):
    server = Prometheus(tmp_path_factory.mktemp("prometheus"), system)
    try:
        wait_until(server.ready, timeout=START_TIMEOUT, interval=0.2, message="prometheus /-/ready")
        yield server
    finally:
        server.stop()


def test_prometheus_sees_every_service_up(prometheus):
    def every_job_up():
        up = {dict(labels)["job"]: value for labels, value in prometheus.query("up").items()}
        return up if all(up.get(s.name) == 1 for s in registry.SERVICES) else None
    wait_until(every_job_up, timeout=SCRAPE_TIMEOUT, interval=0.5, message="up == 1 for every service")


def test_a_request_through_the_gateway_shows_in_the_rate_series(prometheus, admin):
    route = '{service="gateway", route="/api/v1/customers/{customer_id}", status="404"}'
    counted = f"sum(crm_http_responses_total{route})"

    def not_found(times):
        for _ in range(times):
            assert admin.get(f"customers/{uuid.uuid4()}").status_code == 404
    # A labelled series starts at its first increment: rate() sees only what comes after
    # Prometheus' first sample of it, so the series must be there first.
    not_found(1)
    wait_until(lambda: prometheus.query(counted), timeout=SCRAPE_TIMEOUT, interval=0.5,
               message="the gateway's 404 series scraped")
    before = sum(prometheus.query(counted).values())
    not_found(5)
    wait_until(lambda: sum(prometheus.query(counted).values()) >= before + 5, timeout=SCRAPE_TIMEOUT,
               interval=0.5, message="the 5 requests in Prometheus' copy of the counter")
    wait_until(lambda: sum(prometheus.query(f"sum(rate(crm_http_responses_total{route}[10s]))").values()) > 0,
               timeout=SCRAPE_TIMEOUT, interval=0.5, message="the requests in the rate series")
    # ... and the RPC behind them, through the recording rule of deploy/prometheus.
    wait_until(lambda: sum(prometheus.query(
        'service:crm_entrypoint_calls:rate5m{service="customers", kind="rpc"}').values()) > 0,
        timeout=SCRAPE_TIMEOUT, interval=0.5, message="customers' rpc rate recorded")


def test_the_rules_evaluate_without_errors(prometheus):
    expected = sum(len(group["rules"]) for path in PROMETHEUS_DIR.glob("*.rules.yml")
                   for group in yaml.safe_load(path.read_text())["groups"])

    def evaluated():
        groups = requests.get(prometheus.url + "/api/v1/rules", timeout=10).json()["data"]["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        done = len(rules) == expected and not any(rule["lastEvaluation"].startswith("0001")
                                                  for rule in rules)
        return rules if done else None
    rules = wait_until(evaluated, timeout=SCRAPE_TIMEOUT, interval=0.5, message="every rule evaluated")
    assert [(rule["name"], rule.get("lastError")) for rule in rules if rule["health"] != "ok"] == []


def test_every_dashboard_query_runs_and_the_overview_has_data(prometheus, admin):
    admin.ok("GET", "customers")
    documents = [json.loads(path.read_text())
                 for path in sorted((ROOT / "deploy/grafana/dashboards").glob("*.json"))]
    for document in documents:
        for title, expr in dashboards.expressions(document):
            prometheus.query(expr)                 # fails on an error, whatever the data
    overview = next(document for document in documents if document["uid"] == "crm-overview")

    empty = []

    def every_panel_has_data():
        empty[:] = [title for title, expr in dashboards.expressions(overview) if not prometheus.query(expr)]
        return not empty
    try:
        wait_until(every_panel_has_data, timeout=SCRAPE_TIMEOUT, interval=0.5, message="overview data")
    except AssertionError:
        raise AssertionError(f"overview panels without data: {empty}") from None
