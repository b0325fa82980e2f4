"""The automation trigger catalogue against the producers' contracts: each trigger is an event
its producer still publishes, its tolerant copy loads what the producer's schema dumps, every
field a condition may name is read from the payload (with the kind the catalogue says), the
field that names the customer is one the producer sends, and marketing subscribes to each."""
import pytest

from services.customers.events import EVENT_SCHEMAS as CUSTOMERS
from services.marketing.automation import catalogue
from services.marketing.automation.events import EVENT_SCHEMAS
from services.marketing.events import EVENT_SCHEMAS as MARKETING
from services.marketing.segments.rules import MONEY, NUMBER, SET, TEXT
from services.marketing.service import MarketingService
from services.sales.events import EVENT_SCHEMAS as SALES
from services.service_desk.events import EVENT_SCHEMAS as SERVICE_DESK
from tests.contract.test_marketing_consumes import SAMPLES as AUDIENCE_SAMPLES
from tests.unit.marketing.support import T0, deal, order, updated

PRODUCERS = {"customers": CUSTOMERS, "sales": SALES, "service_desk": SERVICE_DESK}
SAMPLES = {
    **AUDIENCE_SAMPLES,
    "customer_updated": updated(["region"], region="south"),
    "deal_won": deal(),
    "order_placed": order(),
}
KINDS = {TEXT: str, NUMBER: int, SET: list, MONEY: dict}


@pytest.mark.parametrize("key", sorted(catalogue.TRIGGERS))
def test_each_trigger_reads_every_named_field_from_what_its_producer_dumps(key):
    trigger = catalogue.TRIGGERS[key]
    assert trigger.event_type in PRODUCERS[trigger.source], f"{key} is no longer published"
    wire = PRODUCERS[trigger.source][trigger.event_type].dump(SAMPLES[trigger.event_type])
    flat = trigger.read({**wire, "added_later": 1})
    assert set(flat) == set(trigger.fields)
    for name, kind in trigger.fields.items():
        assert flat[name] is None or isinstance(flat[name], KINDS[kind]), (key, name, flat[name])
    if trigger.customer_field:
        assert trigger.customer_field in wire and trigger.customer_of(wire) == "c-1"


def test_marketing_subscribes_to_every_trigger():
    consumed = {(source, event_type) for source, types in
                MarketingService.subscriptions.mapping.items() for event_type in types}
    assert {(t.source, t.event_type) for t in catalogue.TRIGGERS.values()} <= consumed


def test_rule_events_are_in_marketings_contract():
    assert set(EVENT_SCHEMAS) <= set(MARKETING)
    rule = {"id": "r-1", "name": "n", "trigger": "sales.order_placed", "conditions": [],
            "actions": [{"type": "add_tag", "tags": ["x"]}], "delay_seconds": 0,
            "enabled": True, "changed_by": "u-1", "changed_at": T0}
    for schema in EVENT_SCHEMAS.values():
        assert schema.load(schema.dump(rule)) == rule
