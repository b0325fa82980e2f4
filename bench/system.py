"""The system under test, started exactly as the e2e tests start it (tests/e2e/system.py):
every service of services/registry.py its own `nameko run` process, SQLite files in a temp
directory or PostgreSQL databases of its own (bench/databases.py), free ports, fresh secrets,
a RabbitMQ vhost of its own. Added here: production-like knobs instead of the e2e test ones,
the two reference services of bench/hello.py and the monolith baseline (bench/monolith.py).
"""
import os
import subprocess
import sys
import uuid
from urllib.parse import quote, urlparse

import requests

from services import registry
from tests.e2e import system as e2e

ROOT = e2e.ROOT
REFERENCE = {"bench_http": "bench.hello:BenchHttp", "bench_echo": "bench.hello:BenchEcho"}
MONOLITH = {"bench_monolith": "bench.monolith:BenchMonolith"}

# The e2e harness shortens every timer to 1 s so tests finish fast; a benchmark measures the
# defaults a deployment runs with (services/chassis/settings.py), with rate limits out of reach
# (the limiter still runs on every request: its cost is part of the figures).
BENCH_ENV = {
    "OUTBOX_SWEEP_SECONDS": "5",
    "OUTBOX_SWEEP_MIN_AGE_SECONDS": "10",
    "CATCH_UP_SECONDS": "10",
    "RPC_TIMEOUT_SECONDS": "5",
    "READY_TIMEOUT_SECONDS": "2",
    "RATE_LIMIT_PER_MINUTE": "1000000000",
    "RATE_LIMIT_BURST": "1000000000",
    "JWT_TTL_SECONDS": "14400",
    "CURSOR_TTL_SECONDS": "14400",
    "LOG_LEVEL": "INFO",
}


class Vhost:
    """A RabbitMQ vhost for one bench run (management API, as the e2e conftest does)."""

    def __init__(self, amqp_uri, management_url):
        amqp = urlparse(amqp_uri)
        self.user, self.password = amqp.username or "guest", amqp.password or "guest"
        self.api = management_url.rstrip("/")
        self.name = f"crm_bench_{uuid.uuid4().hex[:10]}"
        self.uri = f"{amqp.scheme}://{amqp.netloc}/{self.name}"

    def _call(self, method, path):
        response = requests.request(method, f"{self.api}{path}", auth=(self.user, self.password),
                                    json={"configure": ".*", "write": ".*", "read": ".*"}
                                    if "permissions" in path else None, timeout=30)
        response.raise_for_status()

    def create(self):
        self._call("PUT", f"/api/vhosts/{quote(self.name)}")
        self._call("PUT", f"/api/permissions/{quote(self.name)}/{quote(self.user)}")
        return self

    def messages(self):
        """Messages held by the vhost's queues, ready or unacknowledged (the management API's
        figures, refreshed every few seconds)."""
        response = requests.get(f"{self.api}/api/queues/{quote(self.name)}",
                                auth=(self.user, self.password), timeout=30)
        response.raise_for_status()
        return sum(queue.get("messages", 0) or 0 for queue in response.json())

    def queue_names(self):
        """The services' own queues (durable: RPC and events), not the exclusive or auto-deleted
        ones of a connection (RPC replies, the gateway's broadcasts), which another connection
        cannot declare, even passively, and which may be gone by the time it tries."""
        response = requests.get(f"{self.api}/api/queues/{quote(self.name)}",
                                auth=(self.user, self.password), timeout=30)
        response.raise_for_status()
        return [queue["name"] for queue in response.json()
                if queue.get("durable") and not queue.get("exclusive") and not queue.get("auto_delete")]

    def delete(self):
        try:
            self._call("DELETE", f"/api/vhosts/{quote(self.name)}")
        except requests.RequestException as exc:
            print(f"bench: could not delete vhost {self.name}: {exc}", file=sys.stderr)


class BenchSystem(e2e.System):
    def __init__(self, workdir, amqp_uri, databases):
        """`databases`: bench/databases.py's Databases (SQLite files or PostgreSQL)."""
        super().__init__(workdir, amqp_uri, rpc_timeout=5.0, database_urls=databases.urls)
        self.databases = databases
        self.env.update(BENCH_ENV)
        self.modules = dict(e2e.MODULES)
        # bench/run.py still asks whether reporting runs (early results had none): it always does.
        self.reporting, self.reporting_name = self.modules["reporting"], "reporting"
        self.reference_port = e2e.free_port()
        self.reference_url = f"http://127.0.0.1:{self.reference_port}"
        self.monolith_port = e2e.free_port()
        self.monolith_url = f"http://127.0.0.1:{self.monolith_port}"

    def database(self, name):
        """The SQLAlchemy URL of a service's database."""
        return self.databases.urls[name]

    def start(self):
        super().start()
        self.wait_consuming("reporting", self.reporting_name)

    def start_service(self, name, extra_env=None):
        """Like the e2e harness, for any target (the reference services too)."""
        assert name not in self.processes, f"{name} is already running"
        service = e2e.service_of(name)          # a replica (`customers.2`) runs its module
        target = self.modules.get(service) or REFERENCE.get(name) or MONOLITH[name]
        env = dict(self.env, **(extra_env or {}))
        if service in self.modules and name != service:        # its own metrics port
            self.metrics_ports[name] = e2e.free_port()
            env[registry.get(service).metrics_setting] = str(self.metrics_ports[name])
        if name == "bench_http":
            env["GATEWAY_ADDRESS"] = f"127.0.0.1:{self.reference_port}"
        if name == "bench_monolith":
            env["GATEWAY_ADDRESS"] = f"127.0.0.1:{self.monolith_port}"
        log = open(self.workdir / f"{name}.log", "ab")
        self.log_files[name] = log
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "nameko", "run", "--config", str(ROOT / "config.yml"), target],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def start_reference(self):
        for name in REFERENCE:
            self.start_service(name)

        def answering():
            for name in REFERENCE:
                if self.processes[name].poll() is not None:
                    raise RuntimeError(f"{name} exited:\n{self.logs(name)}")
            try:
                return requests.get(self.reference_url + "/hop", timeout=2).status_code == 200
            except requests.RequestException:
                return False
        e2e.wait_until(answering, timeout=e2e.START_TIMEOUT, interval=0.2,
                       message=f"{self.reference_url}/hop")

    def start_monolith(self, database_url, token):
        """bench/monolith.py on its own port and database; up once it answers a signed-in GET."""
        self.start_service("bench_monolith", {"MONOLITH_DATABASE_URL": database_url})

        def answering():
            if self.processes["bench_monolith"].poll() is not None:
                raise RuntimeError(f"bench_monolith exited:\n{self.logs('bench_monolith')}")
            try:
                return requests.get(self.monolith_url + "/api/v1/customers/none", timeout=2,
                                    headers={"Authorization": f"Bearer {token}"}).status_code == 404
            except requests.RequestException:
                return False
        e2e.wait_until(answering, timeout=e2e.START_TIMEOUT, interval=0.2,
                       message=f"{self.monolith_url}/api/v1/customers/none → 404")

    def wait_consuming(self, name, service_name, timeout=e2e.START_TIMEOUT):
        """A consumer without an HTTP port is up once its RPC `health` answers."""
        from nameko.standalone.rpc import ClusterRpcProxy
        config = {"AMQP_URI": self.env["AMQP_URI"]}

        def healthy():
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited:\n{self.logs(name)}")
            try:
                with ClusterRpcProxy(config, timeout=2) as cluster:
                    return getattr(cluster, service_name).health()
            except Exception:
                return False
        e2e.wait_until(healthy, timeout=timeout, interval=0.5, message=f"{name} health()")

    def metrics_urls(self):
        """The /metrics of every running service process (replicas included)."""
        return [f"http://127.0.0.1:{port}/metrics" for name, port in self.metrics_ports.items()
                if name in self.processes and self.processes[name].poll() is None]

    def wait_applied(self, vhost, limit_seconds, on_move=None, sources=None):
        """bench/drain.py: seconds until every consumer has applied what was published
        (`sources`: the last move counted is of these producers' events)."""
        from bench import drain
        return drain.wait_applied(vhost, self.metrics_urls(), limit_seconds, on_move=on_move,
                                  sources=sources)

    def broker_pid(self):
        """The broker's OS pid as its management API tells it (None if it cannot): the
        machine may run other brokers' beam.smp (a compose stack's, rabbitmqctl's)."""
        amqp = urlparse(self.env["AMQP_URI"])
        api = os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672").rstrip("/")
        try:
            response = requests.get(f"{api}/api/nodes", timeout=10,
                                    auth=(amqp.username or "guest", amqp.password or "guest"))
            response.raise_for_status()
            return int(response.json()[0]["os_pid"])
        except (requests.RequestException, LookupError, TypeError, ValueError):
            return None

    def pids(self):
        return {name: process.pid for name, process in self.processes.items()
                if process.poll() is None}
