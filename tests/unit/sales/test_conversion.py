"""Lead conversion against a fake customers service: duplicate-aware, and a conversion that
fails half-way can be retried to exactly one customer and one deal."""
import pytest

from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.rpc import ServiceUnavailable
from services.sales.deals.handlers import deals
from services.sales.leads.handlers import conversion, leads
from tests.unit.sales.support import (ADMIN, MANAGER, REP_A, REP_B, FakeCustomers, call, events,
                                      lead, product)


@pytest.fixture
def customers():
    return FakeCustomers()


def convert(db, principal, lead_id, customers, data=None, lease_seconds=0):
    data = data if data is not None else {"currency": "USD"}
    return conversion.convert_lead(db, principal, lead_id, data, customers.create_customer,
                                   lease_seconds=lease_seconds)


def all_deals(db):
    return call(db, deals.list_deals, ADMIN, {}, write=False)["items"]


def test_a_conversion_creates_the_customer_and_the_deal_once(db, customers):
    gtx = product(db)
    created = lead(db, REP_A, company_name="Analytical Engines", region="EU")
    result = convert(db, REP_A, created["id"], customers, {
        "currency": "USD", "deal_name": "Engines 2026", "expected_close_date": "2026-12-31",
        "lines": [{"product_id": gtx["id"], "quantity": 2}]})
    assert result["customer_link"] == "created"
    assert customers.customers[result["customer_id"]]["name"] == "Analytical Engines"
    assert customers.customers[result["customer_id"]]["email"] == "ada@analytical.example"
    assert "owner_id" not in customers.customers[result["customer_id"]]   # a rep owns by creating
    deal = result["deal"]
    assert (deal["name"], deal["customer_id"], deal["lead_id"], deal["owner_id"], deal["amount"],
            deal["stage"], deal["expected_close_date"]) == (
        "Engines 2026", result["customer_id"], created["id"], "u-rep-a", "9642.00",
        "initial_contact", "2026-12-31")
    assert (result["lead"]["status"], result["lead"]["deal_id"]) == ("converted", deal["id"])
    converted = events(db, "lead_converted")
    assert [(p["lead_id"], p["customer_id"], p["deal_id"], p["customer_link"])
            for _, p in converted] == [(created["id"], result["customer_id"], deal["id"], "created")]
    # Again: the same answer, no second customer call, no second deal or event.
    again = convert(db, REP_A, created["id"], customers)
    assert (again["deal"]["id"], again["customer_id"]) == (deal["id"], result["customer_id"])
    assert customers.calls == 1 and len(all_deals(db)) == 1 and len(events(db, "lead_converted")) == 1


def test_a_duplicate_customer_is_linked_not_twinned(db, customers):
    customers.customers["c-existing"] = {"id": "c-existing", "email": "ada@analytical.example"}
    created = lead(db, REP_A)
    result = convert(db, REP_A, created["id"], customers)
    assert (result["customer_id"], result["customer_link"]) == ("c-existing", "existing")
    assert len(customers.customers) == 1
    assert result["deal"]["customer_id"] == "c-existing"


def test_a_lost_reply_then_a_retry_ends_with_one_customer_and_one_deal(db, customers):
    created = lead(db, REP_A)
    customers.lose_next_reply = True                 # customers commits, the reply never comes
    with pytest.raises(ServiceUnavailable):
        convert(db, REP_A, created["id"], customers)
    assert len(customers.customers) == 1 and all_deals(db) == []
    # Frozen meanwhile: its details cannot drift away from what customers already has.
    with pytest.raises(Conflict):
        call(db, leads.update_lead, REP_A, created["id"], {"contact_email": "other@x.example"})
    result = convert(db, REP_A, created["id"], customers)
    assert result["customer_id"] == "c-1" and len(customers.customers) == 1
    assert len(all_deals(db)) == 1 and len(events(db, "lead_converted")) == 1


def test_customers_down_keeps_the_conversion_for_a_retry(db, customers):
    created = lead(db, REP_A)
    customers.down = True
    with pytest.raises(ServiceUnavailable):
        convert(db, REP_A, created["id"], customers)
    customers.down = False
    assert convert(db, REP_A, created["id"], customers)["customer_link"] == "created"
    assert len(customers.customers) == 1 and len(all_deals(db)) == 1


def test_a_concurrent_attempt_within_the_lease_and_a_changed_request_are_refused(db, customers):
    created = lead(db, REP_A)
    customers.down = True
    with pytest.raises(ServiceUnavailable):
        convert(db, REP_A, created["id"], customers, lease_seconds=60)
    customers.down = False
    with pytest.raises(Conflict) as error:
        convert(db, REP_A, created["id"], customers)
    assert "right now" in error.value.message
    with pytest.raises(Conflict) as error:
        convert(db, REP_A, created["id"], customers, {"currency": "EUR"})
    assert "other deal details" in error.value.message


def test_customers_refusal_releases_the_lead_and_creates_nothing(db, customers):
    created = lead(db, REP_A)

    def refuse(details):
        raise Invalid("The request is not valid.", {"phone": ["bad"]})
    with pytest.raises(Invalid) as error:
        conversion.convert_lead(db, REP_A, created["id"], {"currency": "USD"}, refuse, 0)
    assert error.value.details == {"customer.phone": ["bad"]}
    assert call(db, leads.update_lead, REP_A, created["id"], {"campaign": "fixed"})["campaign"] == "fixed"
    assert convert(db, REP_A, created["id"], customers)["customer_link"] == "created"


def test_what_cannot_be_converted_is_refused_before_customers_is_asked(db, customers):
    no_keys = lead(db, REP_A, contact_email=None)
    with pytest.raises(Conflict) as refused:     # the lead's state, not the request (409)
        convert(db, REP_A, no_keys["id"], customers)
    assert refused.value.details == {"field": "contact_email"}
    out = lead(db, REP_A)
    call(db, leads.set_status, REP_A, out["id"], {"status": "disqualified", "reason": "spam"})
    with pytest.raises(Conflict):
        convert(db, REP_A, out["id"], customers)
    fine = lead(db, REP_A)
    with pytest.raises(Invalid):
        convert(db, REP_A, fine["id"], customers, {"currency": "USD", "lines": [
            {"product_id": "nope", "quantity": 1}]})
    with pytest.raises(Invalid):
        convert(db, REP_A, fine["id"], customers, {})
    with pytest.raises(NotFound):
        convert(db, REP_B, fine["id"], customers)
    assert customers.calls == 0 and all_deals(db) == []
    # The lead is not frozen by a refused request.
    assert call(db, leads.update_lead, REP_A, fine["id"], {"campaign": "x"})["campaign"] == "x"


def test_a_manager_converts_for_the_leads_owner(db, customers):
    created = lead(db, REP_B)
    result = convert(db, MANAGER, created["id"], customers)
    assert customers.customers[result["customer_id"]]["owner_id"] == "u-rep-b"
    assert result["deal"]["owner_id"] == "u-rep-b"
