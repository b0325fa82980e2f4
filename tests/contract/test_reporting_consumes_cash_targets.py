"""reporting's copies of the cash and target events load the payloads agreed in the contract
(docs/contracts.md) through JSON, money an exact Decimal; and, for each event
sales publishes, what sales' own schema dumps."""
import json

import pytest

from services.reporting.inbox import SUBSCRIPTIONS
from services.reporting.rollups import cents
from services.sales.events import EVENT_SCHEMAS as SALES_EVENTS
from tests.contract.cash_targets_samples import CASH_AND_TARGETS, contract_wire

MONEY = {"invoice_issued": "total", "payment_received": "amount", "target_set": "amount"}


def _check(event_type, wire):
    schema, sample = CASH_AND_TARGETS[event_type]
    loaded = schema().load({**json.loads(json.dumps(wire)), "added_later": "ignored"})
    assert set(loaded) == {name for name in schema().fields if name in sample}
    for name in loaded:
        assert loaded[name] == sample[name], name
    if event_type in MONEY:
        assert cents(loaded[MONEY[event_type]]) == int(sample[MONEY[event_type]] * 100)


def test_reporting_subscribes_to_the_cash_and_target_events():
    assert set(CASH_AND_TARGETS) <= set(SUBSCRIPTIONS.mapping["sales"])


@pytest.mark.parametrize("event_type", sorted(CASH_AND_TARGETS))
def test_the_agreed_payloads_load_into_reportings_copies(event_type):
    _check(event_type, contract_wire(CASH_AND_TARGETS[event_type][1]))


@pytest.mark.parametrize("event_type", sorted(CASH_AND_TARGETS))
def test_what_sales_dumps_loads_into_reportings_copies(event_type):
    # Sales publishes all of them now: an event missing here fails (a skip would hide a
    # renamed or removed producer schema).
    assert event_type in SALES_EVENTS, f"sales does not publish {event_type}"
    _check(event_type, SALES_EVENTS[event_type].dump(CASH_AND_TARGETS[event_type][1]))
