"""The knowledge base's events carry every field their contract agreed (docs/contracts.md#
service_desk, knowledge base), as plain JSON with UTC ISO times, never an article's body, and a
consumer's tolerant copy loads them."""
import json
from datetime import datetime, timezone

import pytest
from marshmallow import EXCLUDE

from services.service_desk.events import EVENT_SCHEMAS

T = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
ARTICLE = {"id": "a-1", "title": "Printer offline", "category": "hardware", "tags": ["printer"],
           "status": "draft", "author_id": "u-1", "created_at": T, "updated_at": T,
           "published_at": None}
AGREED = {
    "kb_article_created": ARTICLE,
    "kb_article_updated": {**ARTICLE, "changed": ["body"], "changed_by": "u-2"},
    "kb_article_status_changed": {"article_id": "a-1", "from_status": "draft",
                                  "to_status": "published", "changed_by": "u-1",
                                  "changed_at": T},
    "ticket_solution_linked": {"ticket_id": "tk-1", "customer_id": "c-1", "article_id": "a-1",
                               "previous_article_id": None, "linked_by": "u-1",
                               "linked_at": T},
}
TIMES = {"created_at", "updated_at", "changed_at", "linked_at"}


@pytest.mark.parametrize("event_type", sorted(AGREED))
def test_kb_events_carry_the_agreed_fields_as_plain_json(event_type):
    dumped = json.loads(json.dumps(EVENT_SCHEMAS[event_type].dump(AGREED[event_type])))
    assert set(dumped) == set(AGREED[event_type])
    for name in TIMES & set(dumped):
        assert dumped[name] == "2026-03-02T09:30:00+00:00"
    assert "body" not in dumped and "body_html" not in dumped


@pytest.mark.parametrize("event_type", sorted(AGREED))
def test_a_tolerant_consumer_loads_them_with_a_field_added(event_type):
    schema = EVENT_SCHEMAS[event_type]
    wire = {**json.loads(json.dumps(schema.dump(AGREED[event_type]))), "added_later": 1}
    loaded = type(schema)().load(wire, unknown=EXCLUDE)
    assert {name: str(loaded[name]) for name in AGREED[event_type]} == {
        name: str(value) for name, value in AGREED[event_type].items()}
