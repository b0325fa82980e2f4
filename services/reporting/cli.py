"""What the rebuild and reconcile commands share: reporting's database opened directly, the
producers reached through a standalone RPC proxy acting as the system principal, and a job row
run in this process (the lease keeps the running service's catch-up out of the way)."""
import argparse
import json
import logging
import sys
from contextlib import contextmanager
from types import SimpleNamespace

from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy.orm import sessionmaker

from services.chassis import settings
from services.chassis.auth import CONTEXT_KEY, SYSTEM
from services.chassis.db import DatabaseAccess, make_engine
from services.reporting import jobs
from services.reporting.domains import SOURCES

SERVICE = "reporting"
LEASE_WAIT_SECONDS = 120.0      # a periodic catch-up finishes well within this


def parser(command, description):
    result = argparse.ArgumentParser(prog=f"python -m services.reporting.{command}",
                                     description=description)
    result.add_argument("--database-url", help="default: REPORTING_DATABASE_URL")
    result.add_argument("--timeout", type=float, default=None,
                        help="seconds per RPC to a producer (default: RPC_TIMEOUT_SECONDS)")
    return result


def standalone_db(url=None):
    engine = make_engine(url or settings.database_url(SERVICE))
    provider = SimpleNamespace(engine=engine, source=SERVICE, event_schemas={},
                               sessionmaker=sessionmaker(bind=engine, expire_on_commit=False),
                               relay=None)      # reporting publishes no events
    return DatabaseAccess(provider, worker_ctx=None)


@contextmanager
def producers(timeout=None):
    """(fetchers, call) over a standalone proxy: events_since per source, and any RPC."""
    config = {"AMQP_URI": settings.amqp_uri()}
    with ClusterRpcProxy(config, context_data={CONTEXT_KEY: SYSTEM.to_json()},
                         timeout=timeout or settings.rpc_timeout()) as proxy:
        def call(service, method, *args):
            return getattr(getattr(proxy, service), method)(*args)
        fetchers = {source: (lambda position, limit, source=source:
                             call(source, "events_since", position, limit))
                    for source in SOURCES}
        yield fetchers, call


def run_job(kind, params, args):
    """Record the job (visible to the API like any other), run it here, print the outcome."""
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    db = standalone_db(args.database_url)
    try:
        job = jobs.request(db, SYSTEM, kind, params, run_here=True)
        with producers(args.timeout) as (fetchers, call):
            jobs.run(db, job["id"], fetchers, call, lease_wait=LEASE_WAIT_SECONDS)
        with db.read_only() as session:
            job = jobs.get(session, job["id"])
    finally:
        db.engine.dispose()
    print(json.dumps(job, indent=2, ensure_ascii=False))
    if job["status"] != "done":
        return 2
    return 1 if kind == "reconcile" and not job["result"]["ok"] else 0
