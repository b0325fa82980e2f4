"""sales' target events carry every field the events contract agreed (a producer may add, not
drop), and reporting's copies load what sales really emits; reconcile_target_facts answers the
fields reporting's target reconciliation reads."""
import json
from datetime import date
from decimal import Decimal

import pytest

from services.reporting.domains.sales import consumes
from services.sales.events import EVENT_SCHEMAS
from services.sales.targets.handlers import reconcile as reconcile_targets
from tests.contract.cash_targets_samples import TARGET
from tests.contract.sales_target_samples import TARGET_SAMPLES

AGREED = {
    "target_set": {"id", "period_kind", "period_start", "period_end", "scope", "scope_value",
                   "measure", "amount", "currency", "parent_id", "set_by", "set_at"},
    "target_removed": {"id", "removed_by", "removed_at"},
    "target_at_risk": {"id", "period_kind", "period_start", "period_end", "scope",
                       "scope_value", "measure", "amount", "attained", "expected_by_now",
                       "pace_percent", "currency", "detected_at"},
}
SAMPLES = TARGET_SAMPLES
OPTIONAL = {"scope_value", "parent_id"}


@pytest.mark.parametrize("event_type", sorted(AGREED))
def test_target_events_carry_the_agreed_fields(event_type):
    schema = EVENT_SCHEMAS[event_type]
    assert AGREED[event_type] <= set(schema.fields)
    assert all(schema.fields[name].required for name in AGREED[event_type])
    assert all(schema.fields[name].allow_none for name in OPTIONAL & AGREED[event_type])
    dumped = json.loads(json.dumps(schema.dump(SAMPLES[event_type])))
    assert AGREED[event_type] <= set(dumped)
    for name in ("amount", "attained", "expected_by_now"):
        if name in dumped:
            assert dumped[name] == str(SAMPLES[event_type][name])       # "150000.50"
    for name in ("set_at", "removed_at", "detected_at"):
        if name in dumped:
            assert dumped[name] == "2026-03-14T23:30:00+00:00"


def test_a_company_target_set_loads_into_reportings_copy():
    payload = {**TARGET, "scope": "company", "scope_value": None, "parent_id": None}
    wire = json.loads(json.dumps(EVENT_SCHEMAS["target_set"].dump(payload)))
    loaded = consumes.TargetSet().load(wire)
    assert loaded["scope_value"] is None and loaded["amount"] == Decimal("150000.50")
    assert loaded["period_end"] == date(2026, 3, 31)


def test_reconcile_target_facts_answers_what_reporting_reads(db_with_targets):
    with db_with_targets.read_only() as session:
        page = reconcile_targets.target_facts(session, None, 10)
    read_by_reporting = {"id", "period_kind", "period_start", "period_end", "scope",
                         "scope_value", "measure", "amount", "currency", "parent_id"}
    assert {"items", "next_cursor", "sequence"} <= set(page)
    item, = page["items"]
    assert read_by_reporting <= set(item)
    assert date.fromisoformat(item["period_start"]) and Decimal(item["amount"]) > 0


@pytest.fixture
def db_with_targets(memory_engine):
    from services.sales.deals.handlers import pipeline
    from services.sales.models import Base
    from tests.unit.chassis.fakes import make_db
    from tests.unit.sales.support import ADMIN
    from tests.unit.sales.target_support import target
    db = make_db(memory_engine, Base.metadata, source="sales", event_schemas=EVENT_SCHEMAS)
    with db.unit_of_work() as uow:
        pipeline.seed_default(uow.session)
    target(db, ADMIN)
    return db
