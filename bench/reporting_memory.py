"""Reporting's RSS at idle and after its first analytics requests, and what those first
requests cost (the analytics libraries' imports: numpy, pandas, scikit-learn, statsmodels).

    .venv/bin/python -m bench.reporting_memory [--root CHECKOUT] [--no-preload] [--customers 300]

Starts `nameko run` of the reporting service (config.yml as shipped) from `--root` (default
this checkout; another checkout's tree gives the A/B in one window) on a new SQLite database
migrated by its alembic chain, holding `--customers` customers with their deals (the events of
bench/analytics_cache.py applied through reporting's inbox), and a RabbitMQ vhost of its own
(both deleted afterwards); `--no-preload` sets REPORTING_PRELOAD_ANALYTICS=false. Waits for
health(), idles `--idle-seconds`, reads its RSS; then calls over RPC as an admin, each twice,
customer_value_classes (pandas), customer_groups (numpy, scikit-learn) and sales_forecast
(statsmodels): the first call's time minus the second's is what the first use cost (the
imports when not preloaded); the RSS after each. Prints one JSON line.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from bench import procstat
from bench.system import Vhost
from services import registry
from services.chassis.auth import Principal
from services.chassis.migrate import upgrade
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[1]
ADMIN = Principal("u-bench", "admin")
REPORTS = (("customer_value_classes", {"as_of": "2025-12-10"}),
           ("customer_groups", {"as_of": "2025-12-10"}),
           ("sales_forecast", {}))


def seed(url, customers):
    """The customers and deals of bench/analytics_cache.py, through reporting's own inbox."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    from bench.analytics_cache import events
    from services.chassis.db import DatabaseAccess
    from services.reporting import inbox
    from tests.unit.chassis.fakes import RecordingRelay
    engine = create_engine(url)
    db = DatabaseAccess(SimpleNamespace(
        engine=engine, source="reporting", event_schemas={}, relay=RecordingRelay(),
        sessionmaker=sessionmaker(bind=engine, expire_on_commit=False)), worker_ctx=None)
    generated = events(customers)
    for page in range(0, len(generated), 500):
        inbox.consume_all(db, generated[page:page + 500])
    engine.dispose()


def start(root, workdir, amqp_uri, url, preload):
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_DATABASE_URL", "_METRICS_PORT"))}
    env.update({"AMQP_URI": amqp_uri, "REPORTING_DATABASE_URL": url, "PYTHONPATH": str(root),
                "CATCH_UP_SECONDS": "3600",     # no producers to catch up from
                "REPORTING_PRELOAD_ANALYTICS": "true" if preload else "false",
                registry.get("reporting").metrics_setting: str(free_port()),
                "METRICS_ADDR": "127.0.0.1", "LOG_LEVEL": "INFO",
                "PYTHONWARNINGS": "ignore::Warning:nameko.cli.commands,ignore::Warning:nameko.extensions"})
    log = open(workdir / "reporting.log", "ab")
    return subprocess.Popen([sys.executable, "-m", "nameko", "run", "--config",
                             str(root / "config.yml"), registry.get("reporting").target],
                            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def cluster(amqp_uri):
    from nameko.standalone.rpc import ClusterRpcProxy
    return ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=120,
                           context_data={"principal": ADMIN.to_json()})


def wait_healthy(amqp_uri, process, workdir, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((workdir / "reporting.log").read_text()[-3000:])
        try:
            with cluster(amqp_uri) as proxy:
                proxy.reporting.health()
                return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError("reporting did not answer health() in time")


def measure(root, idle_seconds, preload=True, customers=300):
    workdir = Path(tempfile.mkdtemp(prefix="reporting-memory-"))
    url = f"sqlite:///{workdir / 'reporting.db'}"
    upgrade("reporting", url)
    seed(url, customers)
    vhost = Vhost(os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"),
                  os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672")).create()
    process = start(root, workdir, vhost.uri, url, preload)
    try:
        wait_healthy(vhost.uri, process, workdir)
        time.sleep(idle_seconds)          # idle: what a replica that served no analytics holds
        figures = {"root": str(root), "preload": preload, "customers": customers,
                   "idle_rss_mb": procstat.rss_mb(process.pid),
                   "loadavg": procstat.loadavg()}
        with cluster(vhost.uri) as proxy:
            for name, query in REPORTS:
                took = []
                for _ in range(2):
                    started = time.perf_counter()
                    getattr(proxy.reporting, name)(query)
                    took.append(time.perf_counter() - started)
                figures[name] = {"first_s": took[0], "second_s": took[1],
                                 "rss_after_mb": procstat.rss_mb(process.pid)}
        return figures
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        vhost.delete()
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.reporting_memory")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to run")
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    parser.add_argument("--no-preload", action="store_true",
                        help="REPORTING_PRELOAD_ANALYTICS=false (default: as shipped, true)")
    parser.add_argument("--customers", type=int, default=300)
    args = parser.parse_args()
    print(json.dumps(measure(args.root.resolve(), args.idle_seconds, not args.no_preload,
                             args.customers)))


if __name__ == "__main__":
    main()
