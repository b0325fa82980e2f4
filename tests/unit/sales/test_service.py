"""The service class: who may call what, and conversion wired to the customers RPC with a
deadline shorter than the gateway's (worker_factory, real handlers, no broker)."""
from types import SimpleNamespace

import pytest
from nameko.testing.services import worker_factory

from services.chassis.auth import CONTEXT_KEY, PrincipalAccess
from services.chassis.errors import Forbidden, Unauthorized
from services.sales import settings as sales_settings
from services.sales.service import SalesService
from tests.unit.sales.support import ADMIN, MARKETER, REP_A, FakeCustomers, lead


def service_as(db, principal, **dependencies):
    context = SimpleNamespace(data={CONTEXT_KEY: principal.to_json()} if principal else {})
    return worker_factory(SalesService, db=db, principal=PrincipalAccess(context), **dependencies)


PRODUCT = {"name": "GTX Basic", "list_price": "550.00", "currency": "USD"}


def test_roles(db):
    with pytest.raises(Unauthorized):
        service_as(db, None).list_products()
    with pytest.raises(Forbidden):
        service_as(db, REP_A).create_product(PRODUCT)
    created = service_as(db, ADMIN).create_product(PRODUCT)
    assert [p["id"] for p in service_as(db, REP_A).list_products()] == [created["id"]]
    marketer = service_as(db, MARKETER)
    assert marketer.create_lead({"contact_name": "Grace", "region": "EU"})["owner_id"] == "u-rep-a"
    for forbidden in (lambda: marketer.convert_lead("x", {}), lambda: marketer.move_deal("x", {}),
                      lambda: service_as(db, REP_A).update_stage("won", {"name": "Won!"})):
        with pytest.raises(Forbidden):
            forbidden()


def test_convert_calls_customers_create_customer_with_a_shorter_deadline(db, monkeypatch):
    monkeypatch.setenv("RPC_TIMEOUT_SECONDS", "5")
    fake, seen = FakeCustomers(), []

    class Services:
        def call(self, service, method, *args, timeout=None):
            seen.append((service, method, timeout))
            return fake.create_customer(*args)
    created = lead(db, REP_A)
    result = service_as(db, REP_A, services=Services()).convert_lead(created["id"], {"currency": "USD"})
    assert result["customer_link"] == "created"
    assert seen == [("customers", "create_customer", 3.0)]
    assert sales_settings.customers_timeout() < 5


def test_a_deal_is_for_a_customer_the_caller_can_see(db):
    from services.chassis.errors import Invalid, NotFound

    class Customers:
        def call(self, service, method, customer_id, timeout=None):
            assert (service, method) == ("customers", "get_customer")
            if customer_id == "c-merged":
                return {"id": "c-winner"}
            raise NotFound(f"No customer {customer_id}.", {"id": customer_id})
    service = service_as(db, REP_A, services=Customers())
    deal = service.create_deal({"name": "D", "customer_id": "c-merged", "currency": "EUR"})
    assert deal["customer_id"] == "c-winner"
    with pytest.raises(Invalid) as error:
        service.create_deal({"name": "D", "customer_id": "c-hidden", "currency": "EUR"})
    assert "customer_id" in error.value.details
    with pytest.raises(Invalid) as error:          # shape errors need no customers call
        service.create_deal({"name": "D", "customer_id": 7, "currency": "EUR"})
    assert "customer_id" in error.value.details
