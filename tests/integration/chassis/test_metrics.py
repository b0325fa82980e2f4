"""Every entrypoint is counted and timed without any code in the service; names follow the
Prometheus conventions (what `promtool check metrics` enforces)."""
import pytest
from nameko.testing.services import entrypoint_hook
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from services.chassis.errors import NotFound
from tests.integration.chassis.test_outbox_inbox import databases, relay_of  # noqa: F401  (fixture)
from tests.integration.chassis.toys import Notes


def sample(metric, **labels):
    return REGISTRY.get_sample_value(metric, labels) or 0.0


@pytest.mark.parametrize("dialect", ["sqlite"], indirect=True)
@pytest.mark.usefixtures("databases")
def test_rpc_calls_are_counted_by_outcome_and_timed(container_factory, rabbit_config):
    notes = container_factory(Notes, rabbit_config)
    notes.start()
    labels = dict(service="notes", kind="rpc")
    before_ok = sample("crm_entrypoint_calls_total", name="write_note", outcome="success", **labels)
    before_client = sample("crm_entrypoint_calls_total", name="get_note", outcome="client_error", **labels)
    before_timed = sample("crm_entrypoint_duration_seconds_count", name="write_note", **labels)
    with entrypoint_hook(notes, "write_note") as write_note:
        write_note("m1", "t")
    with entrypoint_hook(notes, "get_note") as get_note:
        with pytest.raises(NotFound):
            get_note("missing")
    calls = "crm_entrypoint_calls_total"
    assert sample(calls, name="write_note", outcome="success", **labels) == before_ok + 1
    assert sample(calls, name="get_note", outcome="client_error", **labels) == before_client + 1
    assert sample("crm_entrypoint_duration_seconds_count", name="write_note", **labels) == before_timed + 1

    relay_of(notes).publish_pending()     # what the linger would have published by now
    with entrypoint_hook(notes, "sweep_outbox") as sweep:
        sweep()
    assert REGISTRY.get_sample_value("crm_outbox_backlog", {"service": "notes"}) == 0


def test_metric_names_follow_prometheus_conventions():
    families = [f for f in text_string_to_metric_families(generate_latest().decode())
                if f.name.startswith("crm_")]
    assert families, "no crm_ metrics registered"
    for family in families:
        if family.type == "counter":
            assert all(s.name.endswith(("_total", "_created")) for s in family.samples), family.name
        if family.type == "histogram":
            assert family.name.endswith("_seconds"), family.name
        assert family.documentation, f"{family.name} has no help text"
