"""bench/capacity.py's model: the request path scales with requests, every consumer with events."""
from bench import capacity


def test_request_path_scales_with_writes_and_consumers_with_events():
    read_ms = {"gateway": 1.0, "customers": 2.0}
    write_ms = {"gateway": 2.0, "customers": 10.0, "marketing": 6.0, "reporting": 1.0}
    plan = capacity.model(read_ms, write_ms, {"read": 100, "write": 50, "events": 400}, 0.7)
    assert plan["gateway"] == (100 * 1.0 / 1000 + 50 * 2.0 / 1000, 1)
    assert plan["customers"][0] == 100 * 2.0 / 1000 + 50 * 10.0 / 1000      # 0.7 cores
    # a consumer's ms per write covers EVENTS_PER_WRITE events: 6 ms / 2 per event × 400/s
    assert plan["marketing"] == (400 * 6.0 / capacity.EVENTS_PER_WRITE / 1000, 2)
    assert plan["reporting"] == (0.2, 1)


def test_replicas_round_up_to_the_core_budget_and_never_drop_to_zero():
    assert capacity.replicas(0.0, 0.7) == 1
    assert capacity.replicas(0.71, 0.7) == 2
    assert capacity.replicas(2.0, 0.7) == 3


def test_replicas_of_one_service_are_summed():
    assert capacity.by_service({"customers": 1.5, "customers.2": 1.0, "gateway": 2.0}) == {
        "customers": 2.5, "gateway": 2.0}
