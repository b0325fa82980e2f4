"""sales' task events carry every field the events contract agreed (a producer may add, not
drop), with UTC ISO times; task_due is the same record."""
import json

import pytest

from services.sales.events import EVENT_SCHEMAS
from tests.contract.sales_task_samples import AGREED_RECORD, TASK_SAMPLES


@pytest.mark.parametrize("event_type", sorted(TASK_SAMPLES))
def test_task_events_carry_the_agreed_fields(event_type):
    schema = EVENT_SCHEMAS[event_type]
    dumped = json.loads(json.dumps(schema.dump(TASK_SAMPLES[event_type])))
    assert AGREED_RECORD <= set(dumped) and AGREED_RECORD <= set(schema.fields)
    assert dumped["due_at"] == "2026-03-14T09:30:00+00:00"
    optional = {"customer_id", "deal_id", "completed_at"}
    assert all(schema.fields[name].required for name in AGREED_RECORD - optional)
    assert all(schema.fields[name].allow_none for name in optional)


def test_task_due_is_the_task_record():
    assert set(EVENT_SCHEMAS["task_due"].fields) == set(EVENT_SCHEMAS["task_created"].fields)
