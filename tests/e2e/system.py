"""The real system for end-to-end tests: every service its own `nameko run` process.

Each run gets its own RabbitMQ vhost, SQLite files in a temp directory, free ports and fresh
secrets, so it never touches `make run`'s data and two runs never see each other's messages.
"""
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from services import registry
from tests.helpers import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
# Every service of services/registry.py, started in its order: name → `module:Class`.
MODULES = {service.name: service.target for service in registry.SERVICES}
DATABASES = tuple(service.name for service in registry.with_database())
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
# The service desk's inbound mail webhook secret in every e2e system (tests/e2e/test_service_desk_email.py).
INBOUND_EMAIL_SECRET = "e2e-inbound-mail-secret"


def replica(name, number):
    """The process name of a service's extra replica (`sales.2`): the same module and settings,
    its own metrics port and log file. The gateway is not replicated this way (its HTTP address
    is one setting)."""
    return f"{name}.{number}"


def service_of(process):
    return process.split(".", 1)[0]


class System:
    """start() → the gateway answers /ready; stop_service/start_service for outage tests."""

    def __init__(self, workdir, amqp_uri, rpc_timeout=8.0, database_urls=None, settings=None):
        """`database_urls`: service name → SQLAlchemy URL (default: SQLite files in workdir);
        `settings`: environment overrides for every process. `rpc_timeout`: 8 s, not the
        run's 3, as `make test` runs this system beside two other shards on 2 cores: at a load
        average of 10-15 a create through the gateway got the 3 s 503 (2026-12-07)."""
        self.workdir = Path(workdir)
        self.gateway_port = free_port()
        self.url = f"http://127.0.0.1:{self.gateway_port}"
        self.metrics_ports = {name: free_port() for name in MODULES}
        self.rpc_timeout = rpc_timeout
        self.admin_email = "admin@e2e.example.com"
        self.admin_password = secrets.token_urlsafe(16)
        self.jwt_secret = secrets.token_urlsafe(32)
        self.env = self._environment(amqp_uri, database_urls or {})
        self.env.update(settings or {})
        self.processes = {}
        self.log_files = {}

    def _environment(self, amqp_uri, database_urls):
        env = {k: v for k, v in os.environ.items()
               if not k.endswith(("_DATABASE_URL", "_METRICS_PORT"))}
        env.update({
            "AMQP_URI": amqp_uri,
            "CRM_DATA_DIR": str(self.workdir),
            "GATEWAY_ADDRESS": f"127.0.0.1:{self.gateway_port}",
            "METRICS_ADDR": "127.0.0.1",
            "JWT_SECRET": self.jwt_secret,
            "CURSOR_SECRET": secrets.token_urlsafe(32),
            "ADMIN_EMAIL": self.admin_email,
            "ADMIN_PASSWORD": self.admin_password,
            "RPC_TIMEOUT_SECONDS": str(self.rpc_timeout),
            "READY_TIMEOUT_SECONDS": "1",
            # journeys make many requests from one client; limits have their own tests
            "RATE_LIMIT_PER_MINUTE": "100000",
            "RATE_LIMIT_BURST": "10000",
            "LOGIN_MAX_FAILURES_PER_IP": "100000",     # the per-account limit stays
            "OUTBOX_SWEEP_SECONDS": "1",
            "OUTBOX_SWEEP_MIN_AGE_SECONDS": "1",
            "CATCH_UP_SECONDS": "1",
            "REPORTING_JOB_POLL_SECONDS": "0.5",
            "REPORTING_GAUGE_SECONDS": "1",
            "SALES_OVERDUE_CHECK_SECONDS": "1",
            "SALES_TASK_DUE_CHECK_SECONDS": "1",
            "SALES_BIRTHDAY_CHECK_SECONDS": "1",
            "WEBHOOKS_SEND_SECONDS": "0.5",
            "SERVICE_DESK_EMAIL_SEND_SECONDS": "0.5",
            "MARKETING_SEGMENT_BACKFILL_SECONDS": "0.5",
            "REPORTING_VALUE_CLASS_RULE_SECONDS": "2",
            "SERVICE_DESK_EMAIL_INBOUND_SECRET": INBOUND_EMAIL_SECRET,
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "PYTHONWARNINGS": "ignore::Warning:nameko.cli.commands,ignore::Warning:nameko.extensions",
        })
        for service in registry.with_database():
            env[service.database_setting] = database_urls.get(
                service.name, f"sqlite:///{self.workdir / (service.name + '.db')}")
        for name, port in self.metrics_ports.items():
            env[registry.get(name).metrics_setting] = str(port)
        return env

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self):
        self._run_step("migrate", [sys.executable, "-m", "services.chassis.migrate", "upgrade", *DATABASES])
        self._run_step("bootstrap", [sys.executable, "-m", "services.identity.bootstrap"])
        for name in MODULES:
            self.start_service(name)
        self.wait_ready()

    def _run_step(self, name, command):
        result = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True,
                                timeout=120)
        (self.workdir / f"{name}.log").write_text(result.stdout + result.stderr)
        if result.returncode:
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n"
                               f"{result.stdout}\n{result.stderr}")

    def start_service(self, name):
        """`name`: a service of the registry, or one's replica (`replica("sales", 2)`)."""
        assert name not in self.processes, f"{name} is already running"
        service = service_of(name)
        port = self.metrics_ports.setdefault(name, free_port())
        env = {**self.env, registry.get(service).metrics_setting: str(port)}
        log = open(self.workdir / f"{name}.log", "ab")
        self.log_files[name] = log
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "nameko", "run", "--config", str(ROOT / "config.yml"), MODULES[service]],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def stop_service(self, name, timeout=STOP_TIMEOUT, signalled=False):
        """SIGTERM (nameko stops gracefully), SIGKILL after `timeout`."""
        process = self.processes.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            if not signalled:
                _signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout)
        self.log_files.pop(name).close()

    def kill_service(self, name):
        """SIGKILL (`kill -9`) to the service's process: no graceful stop, work in flight lost."""
        process = self.processes.pop(name)
        _signal_group(process, signal.SIGKILL)
        process.wait(STOP_TIMEOUT)
        self.log_files.pop(name).close()

    def stop(self, names=None):
        """Every service (or those `names`) at once: SIGTERM to all, then wait for each
        (graceful stops overlap)."""
        names = list(reversed(list(self.processes))) if names is None else list(names)
        for name in names:
            if self.processes[name].poll() is None:
                _signal_group(self.processes[name], signal.SIGTERM)
        for name in names:
            self.stop_service(name, signalled=True)

    def ready(self):
        """The gateway's /ready (every service behind it answers) and every running process's
        /metrics (so the gateway itself has started its listeners too)."""
        urls = [self.url + "/ready"] + [f"http://127.0.0.1:{self.metrics_ports[name]}/metrics"
                                        for name in self.processes]
        try:
            return all(requests.get(url, timeout=5).status_code == 200 for url in urls)
        except requests.RequestException:
            return False

    def wait_ready(self, timeout=START_TIMEOUT):
        def check():
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.logs(name)}")
            return self.ready()
        try:
            wait_until(check, timeout=timeout, interval=0.2, message=f"{self.url}/ready")
        except AssertionError:
            raise AssertionError(f"the system did not become ready:\n{self.all_logs()}")

    # --- diagnostics -------------------------------------------------------------------------
    def logs(self, name, tail=80):
        path = self.workdir / f"{name}.log"
        if not path.exists():
            return ""
        lines = path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-tail:])

    def all_logs(self, tail=80):
        return "\n".join(f"----- {name} (last {tail} lines) -----\n{self.logs(name, tail)}"
                         for name in ("migrate", "bootstrap", *self.metrics_ports))


def _signal_group(process, signum):
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def elapsed(function, *args, **kwargs):
    started = time.monotonic()
    result = function(*args, **kwargs)
    return result, time.monotonic() - started
