"""One chaos run, start to verdict: a dedicated RabbitMQ node and PostgreSQL server, every
service as a real process on them, clients writing through the gateway while the nemesis kills
and restarts, then the check and a summary table. Used by tests/chaos/test_chaos.py (the size
comes from the environment, see Size) and by the soak (tests/chaos/soak.py).
"""
import contextlib
import os
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from tests.chaos import checker
from tests.chaos.instances import DedicatedPostgres, DedicatedRabbit
from tests.e2e.client import Api
from tests.e2e.system import DATABASES, System
from tests.helpers import wait_until

SETTLE_TIMEOUT = 300.0        # after the faults: every service ready, reporting caught up


@dataclass
class Size:
    """CI's small run by default; `make chaos` sets CHAOS_WRITES=3000 CHAOS_SECONDS=300
    CHAOS_CLIENTS=8. The writes are paced over `seconds` so that the faults fall among them."""
    writes: int = int(os.environ.get("CHAOS_WRITES", 300))
    seconds: float = float(os.environ.get("CHAOS_SECONDS", 45))
    clients: int = int(os.environ.get("CHAOS_CLIENTS", 4))
    seed: int = int(os.environ.get("CHAOS_SEED", 0)) or int(time.time())
    write_deadline: float = float(os.environ.get("CHAOS_WRITE_DEADLINE", 120))


def settings():
    """Environment for every service process on top of tests/e2e/system.py's."""
    return {"RPC_TIMEOUT_SECONDS": "5", "DB_POOL_SIZE": "5", "DB_MAX_OVERFLOW": "5",
            "DB_POOL_TIMEOUT_SECONDS": "5", "READY_TIMEOUT_SECONDS": "2"}


@contextlib.contextmanager
def dedicated_system(workdir, extra_settings=None):
    """(system, rabbit, postgres, admin client): everything on the test's own broker and
    database, stopped and removed afterwards."""
    rabbit = DedicatedRabbit(tempfile.mkdtemp(prefix="crm-chaos-rabbit-", dir=workdir))
    postgres = DedicatedPostgres()
    system = None
    try:
        rabbit.start()
        postgres.init()
        postgres.start()
        system = System(workdir, rabbit.amqp_uri, rpc_timeout=5.0,
                        database_urls={name: postgres.url(name) for name in DATABASES},
                        settings={**settings(), **(extra_settings or {})})
        system.start()
        admin = Api(system.url).login(system.admin_email, system.admin_password)
        yield system, rabbit, postgres, admin
    finally:
        if system is not None:
            system.stop()
        rabbit.stop()
        postgres.stop()
        postgres.remove()


def settle(system, rabbit, postgres):
    """After the faults: the broker and database up, every service ready."""
    try:
        system.wait_ready(timeout=SETTLE_TIMEOUT)
    except (AssertionError, RuntimeError) as failure:
        raise AssertionError(f"the system did not recover after the faults: {failure}\n"
                             f"--- rabbit ---\n{rabbit.log_tail()}\n"
                             f"--- postgres ---\n{postgres.log_tail()}") from None


def reporting_counts(admin, since, until):
    """(customers, interactions, deals per stage) as reporting has them; None while it does
    not answer."""
    composition = admin.get("reports/customers/composition", params={"group_by": "owner_id"})
    period = {"from": since.date().isoformat(), "to": until.date().isoformat(),
              "granularity": "total"}
    interactions = admin.get("reports/interactions", params=period)
    funnel = admin.get("reports/sales/funnel", params={"group_by": "stage"})
    if any(r.status_code != 200 for r in (composition, interactions, funnel)):
        return None
    stages = Counter()
    for row in funnel.json()["rows"]:
        stages[row["stage"]] += row["count"]
    return (sum(row["count"] for row in composition.json()["rows"]),
            interactions.json()["total"], stages)


def source_counts(records, deals):
    kinds = Counter(kind for kind, _marker, _id in records)
    return kinds["customer"], kinds["interaction"], checker.expected_stage_counts(deals)


def reconcile(admin):
    job = admin.ok("POST", "reports/reconcile", expect=202)

    def finished():
        answer = admin.get(f"reports/jobs/{job['id']}")
        if answer.status_code == 200 and answer.json()["status"] in ("done", "failed"):
            return answer.json()
    done = wait_until(finished, timeout=SETTLE_TIMEOUT, interval=0.5, message="reconcile")
    assert done["status"] == "done", done
    return done["result"]


def check(system, admin, workload, since):
    """Read back, judge, compare reporting with the sources, reconcile: the figures."""
    records, customers, deals = checker.read_back(admin)
    verdict = checker.judge(workload.writes, records)
    want = source_counts(records, deals)
    until = datetime.now(timezone.utc) + timedelta(days=1)
    try:
        wait_until(lambda: reporting_counts(admin, since, until) == want,
                   timeout=SETTLE_TIMEOUT, interval=1.0, message="reporting equal to the sources")
        reporting_equal = True
    except AssertionError:
        reporting_equal = False
    have = reporting_counts(admin, since, until)
    result = reconcile(admin)
    return verdict, {"want": want, "have": have, "equal": reporting_equal}, result


def new_run_id():
    return uuid.uuid4().hex[:6]


def summary(workload, nemesis, rabbit, postgres, verdict, reporting, reconciled, seconds,
            load_before):
    outcomes = workload.outcomes()
    stats = workload.stats
    latencies = workload.latencies()
    rows = [
        ("writes", len(workload.writes)),
        ("clients", workload.clients),
        ("service kills (kill -9)", f"{nemesis.kill_count} " + _by_name(nemesis.kills)),
        ("broker restarts (SIGKILL)", rabbit.restarts),
        ("PostgreSQL restarts (immediate)", postgres.restarts),
        ("services that exited by themselves", f"{sum(nemesis.self_exits.values())} "
                                               + _by_name(nemesis.self_exits)),
        ("ok / failed / unknown", f"{outcomes['ok']} / {outcomes['failed']} / {outcomes['unknown']}"),
        ("unknown: present / absent", f"{verdict.unknown_present} / {verdict.unknown_absent}"),
        ("lost", len(verdict.lost)),
        ("duplicated", len(verdict.duplicated)),
        ("unexpected", len(verdict.unexpected)),
        ("failed but present", len(verdict.failed_present)),
        ("records read back", _by_name(verdict.present)),
        ("reporting = sources", f"{reporting['equal']} (sources {_counts(reporting['want'])}; "
                                f"reporting {_counts(reporting['have'])})"),
        ("reconcile differences", reconciled["difference_count"]),
        ("retries: 503s / 409 in use / transport / 500s",
         f"{stats.unavailable} / {stats.in_use} / {stats.transport_errors} / {stats.server_errors}"),
        ("answers other than 2xx, by status", dict(sorted(stats.errors_by_status.items()))),
        ("ok write latency p50 / p99 / max (s)",
         " / ".join(f"{_quantile(latencies, q):.2f}" for q in (0.5, 0.99, 1.0))),
        ("write phase / whole run (s)", f"{workload.finished - workload.started:.0f} / {seconds:.0f}"),
        ("load average before", load_before),
        ("seed", workload.random_seed),
    ]
    width = max(len(name) for name, _value in rows)
    return "\n".join(f"  {name.ljust(width)}  {value}" for name, value in rows)


def _by_name(counts):
    return "(" + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ")" if counts else ""


def _counts(counts):
    if counts is None:
        return "not answering"
    customers, interactions, stages = counts
    return f"customers {customers}, interactions {interactions}, deals {dict(sorted(stages.items()))}"


def _quantile(values, q):
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(q * len(values)))]


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())
