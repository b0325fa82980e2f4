"""The task entrypoints: who may call what (worker_factory, real handlers, no broker); the due
and birthday checks are timers; a task on a customer asks customers (as the caller) first."""
from unittest.mock import Mock

import pytest
from nameko.timer import Timer

from services.chassis.errors import Forbidden, Invalid, NotFound, Unauthorized
from services.sales.service import SalesService
from tests.unit.sales.support import ADMIN, MARKETER, REP_A
from tests.unit.sales.task_support import in_hours, seed_rules
from tests.unit.sales.test_service import service_as

TASK = {"title": "Call", "customer_id": "c-1", "due_at": in_hours(-1)}


def customers_seeing(*visible):
    def call(service, method, customer_id, timeout=None):
        assert (service, method) == ("customers", "get_customer")
        if customer_id not in visible:
            raise NotFound("No customer.", {"id": customer_id})
        return {"id": customer_id}
    return Mock(call=Mock(side_effect=call))


def test_roles_of_the_task_entrypoints(db):
    seed_rules(db)
    marketer = service_as(db, MARKETER, services=customers_seeing("c-1"))
    for forbidden in (lambda: marketer.create_task(TASK), lambda: marketer.complete_task("x"),
                      lambda: marketer.update_task("x", {"title": "y"}),
                      lambda: service_as(db, REP_A).replace_task_rules({"rules": []})):
        with pytest.raises(Forbidden):
            forbidden()
    with pytest.raises(Unauthorized):
        service_as(db, None).list_tasks()
    rep = service_as(db, REP_A, services=customers_seeing("c-1"))
    created = rep.create_task(TASK)
    with pytest.raises(Invalid):                       # a customer the rep cannot see
        rep.create_task({**TASK, "customer_id": "c-2"})
    assert [t["id"] for t in rep.my_tasks()["items"]] == [created["id"]]
    assert rep.get_task_rules()["rules"]
    assert service_as(db, ADMIN).announce_due_tasks() == 1
    assert rep.complete_task(created["id"])["status"] == "done"
    assert service_as(db, ADMIN).replace_task_rules({"rules": []}) == {"rules": []}
    assert service_as(db, ADMIN).make_birthday_tasks() == 0


def test_the_due_and_birthday_checks_run_on_timers():
    for method in (SalesService.announce_due_tasks, SalesService.make_birthday_tasks):
        assert any(isinstance(entrypoint, Timer) for entrypoint in method.nameko_entrypoints)
