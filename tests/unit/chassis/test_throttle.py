"""Gate: at most once per interval per key, with a bounded table."""
from services.chassis.throttle import Gate


def test_once_per_interval_per_key():
    now = [0.0]
    gate = Gate(5.0, clock=lambda: now[0])
    assert gate.due("EU") and not gate.due("EU")
    assert gate.due("US")                              # keys are independent
    now[0] = 4.9
    assert not gate.due("EU")
    now[0] = 5.0
    assert gate.due("EU") and not gate.due("EU")


def test_the_table_is_bounded():
    now = [0.0]
    gate = Gate(5.0, clock=lambda: now[0], max_keys=3)
    assert all(gate.due(key) for key in "abc")
    assert gate.due("d")                               # full of recent keys: forgotten, not refused
    assert len(gate._last) == 1
    now[0] = 10.0
    assert all(gate.due(key) for key in "ef")
    assert gate.due("g") and len(gate._last) == 3      # expired ones pruned first
