"""Customer 360's gathering (gateway/routes/customer_360.py) over fake services: each part its
service's answer, a failing part marked unavailable with why, a customer not visible a 404."""
from types import SimpleNamespace

import pytest

from gateway.routes import customer_360
from gateway.routing import Call
from services.chassis.errors import Forbidden, NotFound
from services.chassis.rpc import ServiceUnavailable


class FakeServices:
    def __init__(self, failing=None):
        self.failing = failing or {}
        self.calls = []

    def call(self, service, rpc, *args, timeout=None):
        self.calls.append((service, rpc, args, timeout))
        if rpc in self.failing:
            raise self.failing[rpc]
        if rpc == "get_customer":
            return {"id": args[0]}
        if rpc == "list_contacts":
            return [{"id": "k-1"}]
        return {"items": [{"id": f"{rpc}-1"}], "next_cursor": "more"}


def gathered(services):
    gateway = SimpleNamespace(services=services, runtime=SimpleNamespace(
        settings=SimpleNamespace(customer_360_part_timeout=0.5)))
    call = Call(path={"customer_id": "c-1"}, query={}, body=None, principal=None)
    return customer_360.gather(gateway, None, call)


def test_every_part_asked_once_with_the_short_timeout_and_shaped():
    services = FakeServices()
    status, view = gathered(services)
    assert status == 200
    assert sorted(rpc for _, rpc, _, _ in services.calls) == sorted(
        part.rpc for part in customer_360.PARTS)
    assert {timeout for *_, timeout in services.calls} == {0.5}
    assert view["customer"] == {"available": True, "record": {"id": "c-1"}}
    assert view["contacts"] == {"available": True, "items": [{"id": "k-1"}], "next_cursor": None}
    assert view["deals"] == {"available": True, "items": [{"id": "list_deals-1"}],
                             "next_cursor": "more"}
    assert ("sales", "list_deals", ({"customer_id": "c-1", "limit": customer_360.PAGE},),
            0.5) in services.calls


def test_a_failing_part_is_unavailable_with_its_reason_and_the_rest_answers():
    status, view = gathered(FakeServices(failing={
        "list_tickets": ServiceUnavailable("The service_desk service did not answer within 0.5s."),
        "list_audience": Forbidden("The role 'sales_rep' may not do this."),
        "list_tasks": RuntimeError("boom")}))
    assert status == 200
    assert view["tickets"] == {"available": False, "reason": "service_desk unavailable: The "
                               "service_desk service did not answer within 0.5s."}
    assert view["campaign_touches"]["reason"].startswith("not permitted")
    assert view["tasks"] == {"available": False, "reason": "sales failed"}   # no internals
    assert view["deals"]["available"] is True


def test_a_customer_the_caller_may_not_see_is_a_404_not_a_partial_answer():
    with pytest.raises(NotFound):
        gathered(FakeServices(failing={"get_customer": NotFound("No customer c-1.")}))
