"""Issue 13, item 8: two replicas of every consuming service on one broker and one PostgreSQL
server, driven by the chaos workload (tests/chaos/workload.py: Idempotency-Keys, retries) through
the gateway, and one replica of each stopped gracefully (SIGTERM) while the writes go on.

- work is shared: both replicas of every service handled RPCs or events (their /metrics) —
  except a service consuming ordered per-source queues (every consumer's live path): a single
  active consumer per queue, so one replica consumes them and the other takes over at the stop;
- nothing applied twice, nothing lost: every acknowledged write is there once (the chaos
  checker), every created customer reached the webhook subscriber once;
- every timer job fires once: due tasks announced once (task_due, seen by the subscriber — the
  webhooks sender is a timer too), one birthday task per contact, the reconcile job done;
- every read model equals reconciliation: reporting's counts equal the sources, reconcile finds
  no difference.
"""
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import eventlet
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from services import consumed_queues, registry
from tests.chaos import checker, run
from tests.chaos.workload import Workload
from tests.e2e.client import Api
from tests.e2e.conftest import own_vhost
from tests.e2e.system import DATABASES, System, replica
from tests.helpers import wait_until
from tests.integration.webhooks.receiver import Receiver

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

CONSUMERS = tuple(service.name for service in registry.behind_gateway())
# one replica at a time consumes each of their queues (x-single-active-consumer)
SINGLE_ACTIVE = {service.name for service in registry.behind_gateway()
                 if consumed_queues.service_class(service).subscriptions.sources}
WRITES, CLIENTS = 240, 4
DUE_TASKS, BIRTHDAYS = 12, 4
TIMER_PREFIX = "Timer "             # the test's own customers, apart from the workload's
SETTLE = 120.0


@pytest.fixture
def replicated(request, rabbit_manager, migrated_database, tmp_path):
    """Every consuming service twice (`sales` and `sales.2`), the gateway once, on PostgreSQL."""
    with own_vhost(request, rabbit_manager) as amqp_uri:
        system = System(tmp_path, amqp_uri, rpc_timeout=5.0, settings=run.settings(),
                        database_urls={name: migrated_database(name, "postgresql")
                                       for name in DATABASES})
        try:
            system.start()
            for name in CONSUMERS:
                system.start_service(replica(name, 2))
            system.wait_ready()
            yield system
        finally:
            system.stop()


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


# Every replica answers these whatever the load: readiness checks, the consumers' catch-up polls.
BACKGROUND = ("health", "events_since")


def handled(system, process):
    """RPCs and events of the load this process handled: {kind: count}."""
    text = requests.get(f"http://127.0.0.1:{system.metrics_ports[process]}/metrics", timeout=5).text
    counts = Counter()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "crm_entrypoint_calls_total" and sample.labels["kind"] in (
                    "rpc", "event") and sample.labels["name"] not in BACKGROUND:
                counts[sample.labels["kind"]] += sample.value
    return dict(counts)


def test_two_replicas_share_the_work_apply_it_once_and_survive_a_graceful_stop(
        replicated, receiver):
    system = replicated
    since = datetime.now(timezone.utc) - timedelta(days=1)
    admin = Api(system.url).login(system.admin_email, system.admin_password)
    subscription = admin.ok("POST", "webhooks/subscriptions", expect=201, json={
        "url": receiver.url, "event_types": ["customer_created", "task_due"]})
    receiver.secret = subscription["secret"]
    product = admin.ok("POST", "products", expect=201, json={
        "name": "Replica unit", "series": "Replica", "list_price": "100.00", "currency": "USD"})

    # Timer work both sales replicas race for: tasks already due, contacts whose birthday is near
    # (a rep's customers: a birthday task goes to the customer's owner).
    rep = admin.create_user("sales_rep", region=f"Replicas-{uuid.uuid4().hex[:8]}")
    timer_customers = [rep.create_customer(name=f"{TIMER_PREFIX}{uuid.uuid4().hex[:8]}")
                       for _ in range(BIRTHDAYS)]
    due_tasks = [rep.ok("POST", "tasks", expect=201, json={
        "title": f"Due {n}", "kind": "call", "customer_id": timer_customers[n % BIRTHDAYS]["id"],
        "due_at": (datetime.now(timezone.utc) - timedelta(minutes=5)).isoformat()})
        for n in range(DUE_TASKS)]
    soon = datetime.now(timezone.utc).date() + timedelta(days=2)
    for customer in timer_customers:
        rep.ok("POST", f"customers/{customer['id']}/contacts", expect=201, json={
            "name": f"{TIMER_PREFIX}contact {customer['id'][:8]}",
            "birthday": soon.replace(year=1980).isoformat()})

    # identity has little else to do here (logins, one user), procurement nothing (it consumes
    # no one's events): reads of them, shared like the rest
    for _ in range(10):
        admin.ok("GET", "users")
        admin.ok("GET", "procurement/suppliers")

    workload = Workload(system.url, admin.token, product["id"], run.new_run_id(), WRITES, CLIENTS,
                        write_deadline=90.0, seed=13)
    # writes go on past the stop however long it takes (a graceful stop waits for the workers it
    # runs): a quarter of the writes more after every first replica has exited
    after_stop = {}
    writing = eventlet.spawn(workload.run, extend_while=lambda: "at" not in after_stop or len(
        workload.writes) < after_stop["at"] + WRITES // 4)
    wait_until(lambda: len(workload.writes) >= WRITES // 3 or writing.dead, timeout=SETTLE,
               interval=0.2, message="a third of the writes made")
    shared = {process: handled(system, process)
              for name in CONSUMERS for process in (name, replica(name, 2))}
    # SIGTERM to the first replica of every consuming service at once, mid-load: nameko stops
    # consuming, finishes the workers it runs; what it had not started goes back to the queue.
    signalled_at = len(workload.writes)
    system.stop(CONSUMERS)
    stopped_at = after_stop["at"] = len(workload.writes)
    writing.wait()
    system.wait_ready(timeout=SETTLE)

    records, _customers, deals = checker.read_back(admin)
    # the test's own customers and contacts, and the probe customer of create_user (client.py)
    ours = {c["id"] for c in timer_customers} | {admin._probe}
    verdict = checker.judge(workload.writes, [
        (kind, marker, id_) for kind, marker, id_ in records
        if id_ not in ours and not marker.startswith("?" + TIMER_PREFIX)])
    want = run.source_counts(records, deals)
    until = datetime.now(timezone.utc) + timedelta(days=1)
    wait_until(lambda: run.reporting_counts(admin, since, until) == want, timeout=SETTLE,
               interval=1.0, message=f"reporting equal to the sources {want}")
    reconciled = run.reconcile(admin)

    ok_customers = {w.answer["id"] for w in workload.writes if w.kind == "customer" and w.outcome == "ok"}
    wait_until(lambda: ok_customers <= set(_delivered(receiver, "customer_created")), timeout=SETTLE,
               interval=0.5, message="every acknowledged customer delivered to the subscriber")
    wait_until(lambda: {t["id"] for t in due_tasks} <= set(_delivered(receiver, "task_due")),
               timeout=SETTLE, interval=0.5, message="every due task announced")

    def birthday_tasks():
        return Counter(t["customer_id"] for t in rep.list_all("tasks", params={"status": "open"})
                       if t["origin"] == "birthday")
    wait_until(lambda: set(birthday_tasks()) >= {c["id"] for c in timer_customers},
               timeout=SETTLE, interval=0.5, message="a birthday task per contact")

    stats = workload.stats
    print(f"\nreplicas: writes {workload.outcomes()}; SIGTERM at write {signalled_at}, stopped at "
          f"{stopped_at} of {len(workload.writes)}; retries (503s / 409 in use / transport / 500s) "
          f"{stats.unavailable} / {stats.in_use} / {stats.transport_errors} / {stats.server_errors}; "
          f"handled before the stop {shared}; records {verdict.present}")
    # work shared: each replica of each service handled some of it (of a single-active one,
    # one replica or the other)
    assert all(sum(counts.values()) > 0 for process, counts in shared.items()
               if process.split(".")[0] not in SINGLE_ACTIVE), shared
    assert all(sum(shared[name].values()) + sum(shared[replica(name, 2)].values()) > 0
               for name in SINGLE_ACTIVE), shared
    # nothing lost, nothing twice
    assert len(workload.writes) >= stopped_at + WRITES // 4, "no writes after the stop"
    assert verdict.problems() == {}, verdict.problems()
    assert workload.outcomes()["ok"] >= 0.95 * WRITES, workload.outcomes()
    assert _twice(receiver, "customer_created") == {}
    # every timer job once: task_due per task, a birthday task per contact, the webhook per event
    assert _twice(receiver, "task_due") == {}
    assert set(_delivered(receiver, "task_due")) == {t["id"] for t in due_tasks}
    assert set(birthday_tasks().values()) == {1}, birthday_tasks()
    # read models equal the sources
    assert reconciled["difference_count"] == 0, reconciled


def _delivered(receiver, event_type):
    """The subject ids of the deliveries of `event_type` the subscriber accepted."""
    with receiver.lock:
        return [r["body"]["data"]["id"] for r in receiver.requests
                if r["status"] == 204 and r["body"]["type"] == event_type]


def _twice(receiver, event_type):
    return {key: n for key, n in Counter(_delivered(receiver, event_type)).items() if n > 1}
