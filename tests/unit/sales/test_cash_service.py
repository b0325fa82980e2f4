"""The cash entrypoints: who may call what (worker_factory, real handlers, no broker), and the
overdue check is a timer."""
import pytest
from nameko.timer import Timer

from services.chassis.errors import Forbidden, Unauthorized
from services.sales.service import SalesService
from tests.unit.sales.cash_support import won_deal
from tests.unit.sales.support import ADMIN, MARKETER, REP_A
from tests.unit.sales.test_service import service_as


def test_roles_of_the_cash_entrypoints(db):
    deal = won_deal(db)
    marketer = service_as(db, MARKETER)
    for forbidden in (lambda: marketer.issue_invoice({"deal_id": deal["id"]}),
                      lambda: marketer.record_payment("x", {"amount": "1.00"}),
                      lambda: marketer.cancel_invoice("x", {"reason": "no"}),
                      lambda: service_as(db, REP_A).reconcile_cash_facts()):
        with pytest.raises(Forbidden):
            forbidden()
    with pytest.raises(Unauthorized):
        service_as(db, None).list_invoices()
    rep = service_as(db, REP_A)
    invoice = rep.issue_invoice({"deal_id": deal["id"]})
    assert rep.record_payment(invoice["id"], {"amount": "1.00"})["invoice_status"] == \
        "partially_paid"
    assert [i["id"] for i in marketer.list_invoices()["items"]] == [invoice["id"]]  # read-all role
    facts = service_as(db, ADMIN).reconcile_cash_facts()
    assert [(f["id"], f["paid"]) for f in facts["items"]] == [(invoice["id"], "1.00")]
    assert service_as(db, ADMIN).detect_overdue_invoices() == 0


def test_the_overdue_check_runs_on_a_timer():
    entrypoints = SalesService.detect_overdue_invoices.nameko_entrypoints
    assert any(isinstance(entrypoint, Timer) for entrypoint in entrypoints)
