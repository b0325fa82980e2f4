"""The route check: a confirmed request once per service per ROUTE_CHECK_SECONDS."""
from services.chassis.rpc import ROUTE_CHECK_SECONDS, Routes


def test_a_service_is_rechecked_only_after_the_interval():
    now = [100.0]
    routes = Routes(clock=lambda: now[0])
    assert routes.needs_check("customers")
    routes.routable("customers")
    assert not routes.needs_check("customers")
    assert routes.needs_check("identity")                  # per target service
    now[0] += ROUTE_CHECK_SECONDS - 0.1
    assert not routes.needs_check("customers")
    now[0] += 0.1
    assert routes.needs_check("customers")
