"""Inputs the stored rows could not hold (found by schemathesis over the API document): a
partial update that must still be whole, an amount beyond what money may be."""
from decimal import Decimal
from types import SimpleNamespace

import pytest

from services.chassis.errors import Invalid
from services.chassis.validation import load
from services.sales.deals.handlers import lines
from services.sales.deals.schemas import DealUpdate
from services.sales.tasks.schemas import TaskUpdate


def test_a_deal_line_in_a_partial_update_is_complete():
    with pytest.raises(Invalid) as caught:
        load(DealUpdate, {"lines": [{"product_id": "p-1"}]}, partial=True)
    assert caught.value.details == {"lines": {0: {"quantity": ["Missing data for required field."]}}}
    assert load(DealUpdate, {"name": "Renamed"}, partial=True) == {"name": "Renamed"}


def test_a_task_cannot_be_left_without_an_assignee():
    with pytest.raises(Invalid) as caught:
        load(TaskUpdate, {"assignee_id": None}, partial=True)
    assert set(caught.value.details) == {"assignee_id"}


def test_the_lines_of_a_deal_add_up_to_less_than_the_largest_amount():
    product = SimpleNamespace(id="p-1", name="Big", active=True, currency="EUR",
                              list_price=Decimal("0"))
    session = SimpleNamespace(get=lambda model, key: product)

    def line(price):
        return {"product_id": "p-1", "quantity": 1_000_000, "unit_price": Decimal(price),
                "discount_percent": Decimal("0")}
    assert lines.resolve(session, [line("999999999.99")], "EUR")[0]["total"] == Decimal(
        "999999999990000.00")
    with pytest.raises(Invalid) as caught:
        lines.resolve(session, [line("999999999.99"), line("0.01")], "EUR")
    assert set(caught.value.details) == {"lines"}
