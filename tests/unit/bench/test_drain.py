"""bench/drain.py: the consumers' counters read from the /metrics text the chassis serves, and
the drain's moment is the counters' last move, not when the quiet was noticed."""
import pytest
from prometheus_client import generate_latest

from bench import drain
from services.chassis.metrics import EVENTS_CONSUMED


class _Response:
    def __init__(self, text):
        self.text = text


def test_the_consumed_counters_are_summed_from_the_metrics_text(monkeypatch):
    before = sum(float(v) for _labels, v in drain.CONSUMED.findall(generate_latest().decode()))
    EVENTS_CONSUMED.labels("drain_test", "customers", "customer_created", "applied").inc(1500)
    EVENTS_CONSUMED.labels("drain_test", "customers", "customer_assigned", "duplicate").inc(2)
    text = generate_latest().decode()
    assert "crm_events_consumed_created{" in text        # a sample the pattern must not count
    monkeypatch.setattr(drain.requests, "get", lambda url, timeout: _Response(text))
    assert drain.consumed(["http://a/metrics", "http://b/metrics"]) == 2 * (before + 1502)


def test_a_reading_of_some_sources_counts_only_their_events(monkeypatch):
    """An import's drain ends at the consumers' last move on customers' events, not at a
    catch-up round applying identity's (bench/FINDINGS.md, fourteenth session)."""
    text = "\n".join([
        'crm_events_consumed_total{service="audit",source="customers",event_type="customer_created",'
        'outcome="applied"} 1500.0',
        'crm_events_consumed_total{service="reporting",source="identity",event_type="user_created",'
        'outcome="processed"} 3.0',
        'crm_events_consumed_total{service="sales",source="customers",event_type="customer_assigned",'
        'outcome="duplicate"} 2.0'])
    monkeypatch.setattr(drain.requests, "get", lambda url, timeout: _Response(text))
    assert drain.consumed(["http://a/metrics"], sources={"customers"}) == 1502
    assert drain.consumed(["http://a/metrics"], sources={"identity"}) == 3
    assert drain.consumed(["http://a/metrics"]) == 1505


def test_a_process_that_does_not_answer_makes_the_reading_unknown(monkeypatch):
    def refused(url, timeout):
        raise drain.requests.ConnectionError(url)
    monkeypatch.setattr(drain.requests, "get", refused)
    assert drain.consumed(["http://a/metrics"]) is None


class _Clock:
    def __init__(self):
        self.now = 100.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class _Vhost:
    uri = "amqp://x/y"

    def __init__(self, held):
        self.held = held

    def queue_names(self):
        return ["q"]

    def messages(self):
        return self.held.pop(0) if self.held else 0


@pytest.fixture
def clock(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(drain, "time", clock)
    return clock


def test_the_drain_ends_at_the_last_move_once_queues_are_empty(monkeypatch, clock):
    counts = iter([10, 20, 30, 30, 30, 30, 30, 30, 30, 30])
    monkeypatch.setattr(drain, "consumed", lambda urls, sources: next(counts))
    readies = iter([0] * 10)
    monkeypatch.setattr(drain, "ready", lambda uri, names: next(readies))
    vhost = _Vhost(held=[5])                # the statistics lag once: confirmed a poll later
    assert drain.wait_applied(vhost, ["u"], limit_seconds=60) == pytest.approx(0.5)


def test_ready_messages_keep_it_waiting_and_a_stuck_system_times_out(monkeypatch, clock):
    monkeypatch.setattr(drain, "consumed", lambda urls, sources: 7)
    monkeypatch.setattr(drain, "ready", lambda uri, names: 3)
    assert drain.wait_applied(_Vhost(held=[]), ["u"], limit_seconds=5) is None
