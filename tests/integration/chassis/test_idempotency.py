"""Safe retries against real RabbitMQ and SQLite / PostgreSQL: the Idempotency-Key's first answer
recorded with the work (services/chassis/idempotency.py), and a request whose caller's deadline
passed while it waited never started (services/chassis/rpc.py)."""
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import eventlet
import pytest
from nameko.extensions import Entrypoint
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook, entrypoint_waiter
from nameko.testing.utils import get_extension
from sqlalchemy import func, select

from services.chassis.db import create_schema, make_engine
from services.chassis.idempotency import (FINGERPRINT_CONTEXT, KEY_CONTEXT, IdempotencyKeyInUse,
                                          IdempotencyKeyReused)
from services.chassis.models import IdempotencyRecord
from services.chassis.rpc import DeadlineExceeded, ServiceUnavailable
from tests.helpers import wait_until
from tests.integration.chassis.ledger import BARRIER_ENV, Entry, Front, Ledger, LedgerBase, gate

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def ledger_db(database_url, monkeypatch):
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    engine = make_engine(database_url)
    create_schema(engine, LedgerBase.metadata)
    yield engine
    engine.dispose()


def entries(engine, text):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Entry)
                                  .where(Entry.text == text)).scalar()


def records(engine):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(IdempotencyRecord)).scalar()


@pytest.fixture
def started(container_factory, rabbit_config, ledger_db):
    def start(max_workers=None):
        config = dict(rabbit_config, **({"max_workers": max_workers} if max_workers else {}))
        ledger, front = container_factory(Ledger, config), container_factory(Front, rabbit_config)
        ledger.start()
        front.start()
        return ledger, front
    return start


def call(front, text, **options):
    with entrypoint_hook(front, "add") as add:
        return add(text, **options)


def call_directly(rabbit_config, text, key):
    """As `call`, from a proxy of its own: nameko's entrypoint_hook cannot run twice at once
    (each patches the container, and answers the first worker of the method to finish)."""
    context = {KEY_CONTEXT: key, FINGERPRINT_CONTEXT: "f-1"}
    with ClusterRpcProxy(rabbit_config, context_data=context, timeout=30) as cluster:
        return cluster.ledger.add_entry(text)


@pytest.mark.dialect_sensitive("the answer held in the work's open transaction until it commits")
def test_a_retry_after_a_timeout_gets_the_first_answer_once_the_work_finished(started, ledger_db):
    ledger, front = started()
    slow = gate("slow")
    with pytest.raises(ServiceUnavailable):
        call(front, "slow", key="k-1", timeout=0.5)       # the 503: the caller gave up
    with entrypoint_waiter(ledger, "add_entry"):
        slow.send(True)                                   # ... but the work goes on and commits
    retry = call(front, "slow", key="k-1")
    assert retry["text"] == "slow" and call(front, "slow", key="k-1") == retry
    assert entries(ledger_db, "slow") == 1 and records(ledger_db) == 1
    assert call(front, "slow")["id"] != retry["id"]       # without a key: a new write, as before


def test_the_same_key_with_another_request_is_refused_and_changes_nothing(started, ledger_db):
    _, front = started()
    call(front, "first", key="k-2", fingerprint="f-1")
    with pytest.raises(IdempotencyKeyReused):
        call(front, "second", key="k-2", fingerprint="f-2")
    assert entries(ledger_db, "second") == 0


def test_a_retry_while_the_first_is_still_running_is_a_409(started, ledger_db, rabbit_config):
    ledger, front = started()
    running = gate("running")
    first = eventlet.spawn(call_directly, rabbit_config, "running", "k-3")
    wait_until(lambda: len(ledger._worker_threads) == 1, message="the first attempt running")
    with pytest.raises(IdempotencyKeyInUse):
        call(front, "running", key="k-3")
    running.send(True)
    answer = first.wait()
    assert call(front, "running", key="k-3") == answer
    assert entries(ledger_db, "running") == 1


def test_a_request_that_waited_past_its_deadline_is_never_started(started, ledger_db):
    """The message reached the service in time (so the broker's expiry cannot drop it) but waited
    for a worker — as behind a paused process — until its caller had given up."""
    ledger, front = started(max_workers=1)
    busy = gate("busy")

    # Straight into the worker pool (entrypoint_hook would patch what the waiter below patches).
    ledger.spawn_worker(get_extension(ledger, Entrypoint, method_name="hold"), ("busy",), {})
    wait_until(lambda: len(ledger._worker_threads) == 1, message="the only worker taken")
    with pytest.raises(ServiceUnavailable):
        call(front, "late", timeout=0.5)
    with entrypoint_waiter(ledger, "add_entry") as refused:
        busy.send(True)
    with pytest.raises(DeadlineExceeded):
        refused.get()
    assert entries(ledger_db, "late") == 0
    assert call(front, "in time")["text"] == "in time"       # the next one in time is served


@pytest.mark.dialect_sensitive("concurrent twins resolved by the primary key: lock waits differ")
def test_twins_in_two_processes_are_done_once_and_both_get_its_answer(
        rabbit_config, rabbit_manager, ledger_db, database_url, tmp_path):
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    env = {**os.environ, "AMQP_URI": rabbit_config["AMQP_URI"], "LEDGER_DATABASE_URL": database_url,
           "MAX_WORKERS": "1", "LEDGER_METRICS_PORT": "0", BARRIER_ENV: str(barrier)}
    processes = []
    for number in range(2):
        log = open(tmp_path / f"ledger-{number}.log", "wb")
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "nameko", "run", "--config", str(ROOT / "config.yml"),
             "tests.integration.chassis.ledger:Ledger"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
    try:
        vhost = urlparse(rabbit_config["AMQP_URI"]).path.lstrip("/")

        def consumers():
            for process in processes:
                assert process.poll() is None, (tmp_path / "ledger-0.log").read_text()
            try:
                return rabbit_manager.get_queue(vhost, "rpc-ledger")["consumers"] == 2
            except Exception:
                return False
        wait_until(consumers, timeout=60, message="two ledger processes consuming")
        twins = [eventlet.spawn(call_directly, rabbit_config, "twin", "k-twin") for _ in range(2)]
        first, second = [twin.wait() for twin in twins]
        assert len(list(barrier.iterdir())) == 2            # each process ran the method
        assert first == second                              # one answer: the winner's
        assert entries(ledger_db, "twin") == 1 and records(ledger_db) == 1
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
