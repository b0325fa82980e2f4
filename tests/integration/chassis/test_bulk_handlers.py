"""Long-running event handlers (queues.bulk_event_handler) hold at most BULK_WORKERS of a
process's workers, so its RPCs keep answering while they run — against the real broker.

The handlers here block until the test releases them: with max_workers 3 and BULK_WORKERS 1,
one runs and the others wait in the queue, and a ping answers at once. The same handlers on the
plain event handler take every worker and the ping waits: the control that shows the test can
fail."""
import eventlet
import pytest
from eventlet.event import Event
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy

from services.chassis import queues, settings
from services.chassis.rpc import rpc
from tests.helpers import wait_until

state = {"running": 0, "most": 0, "release": None}


def _work(envelope):
    state["running"] += 1
    state["most"] = max(state["most"], state["running"])
    state["release"].wait()
    state["running"] -= 1


class Bulky:
    name = "bulky"

    @queues.bulk_event_handler("feeder", "batch_released")
    def on_batch(self, envelope):
        _work(envelope)

    @rpc
    def ping(self):
        return "pong"


class Greedy:
    name = "greedy"

    @queues.event_handler("feeder", "batch_released")
    def on_batch(self, envelope):
        _work(envelope)

    @rpc
    def ping(self):
        return "pong"


@pytest.fixture(autouse=True)
def fresh_state(monkeypatch):
    monkeypatch.setenv("BULK_WORKERS", "1")
    state.update(running=0, most=0, release=Event())
    yield
    if not state["release"].ready():
        state["release"].send()


def _ping_within(service, config, seconds):
    with ServiceRpcProxy(service, config, timeout=seconds) as proxy:
        with eventlet.Timeout(seconds, False):
            return proxy.ping()
    return None


def _start_and_flood(container_factory, service, rabbit_config):
    container = container_factory(service, {**rabbit_config, "max_workers": 3})
    container.start()
    dispatch = event_dispatcher(rabbit_config)
    for number in range(4):
        dispatch("feeder", "batch_released", {"batch": number})
    wait_until(lambda: state["running"] >= 1, timeout=10, message="a batch handler running")
    return container


def test_bulk_handlers_leave_workers_for_rpc(container_factory, rabbit_config):
    _start_and_flood(container_factory, Bulky, rabbit_config)
    assert _ping_within("bulky", rabbit_config, 5) == "pong"
    assert (state["running"], state["most"]) == (1, 1)
    state["release"].send()
    wait_until(lambda: state["running"] == 0 and state["most"] == 1, timeout=10,
               message="every batch handled, one at a time")


def test_plain_handlers_take_every_worker_and_the_rpc_waits(container_factory, rabbit_config):
    _start_and_flood(container_factory, Greedy, rabbit_config)
    wait_until(lambda: state["running"] == 3, timeout=10, message="three handlers running")
    assert _ping_within("greedy", rabbit_config, 3) is None
    state["release"].send()


@pytest.mark.parametrize("max_workers, configured, expected", [
    (10, None, 5), (1, None, 1), (2, None, 1), (10, "9", 9), (10, "20", 9), (3, "1", 1)])
def test_how_many_workers_bulk_handlers_may_hold(monkeypatch, max_workers, configured,
                                                 expected):
    if configured is None:
        monkeypatch.delenv("BULK_WORKERS", raising=False)
    else:
        monkeypatch.setenv("BULK_WORKERS", configured)
    assert settings.bulk_workers(max_workers) == expected
