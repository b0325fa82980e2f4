"""The service desk's tolerant copies of customers' and identity's events load what the
producers' own schemas dump (every field it reads is still published, with the type it
expects), a producer's added field is ignored, and it listens live to each event it consumes."""
import pytest
from marshmallow import ValidationError, fields

from services.customers.events import EVENT_SCHEMAS as CUSTOMERS
from services.identity.events import EVENT_SCHEMAS as IDENTITY
from services.service_desk.consumes import CONSUMED
from services.service_desk.directory import projection
from services.service_desk.directory.consumes import FROM_CUSTOMERS
from services.service_desk.service import ServiceDeskService
from tests.unit.service_desk.support import AGENT_A, T0, contact, customer, user
from tests.live_handlers import live_event_types

PRODUCERS = {"customers": CUSTOMERS, "identity": IDENTITY}
SAMPLES = {
    "customer_created": customer(), "customer_updated": {**customer(), "changed": ["name"]},
    "customer_assigned": {"id": "c-1", "owner_id": "u-2", "previous_owner_id": "u-1",
                          "region": "EU", "reason": "manual", "assigned_by": "u-admin"},
    "customer_merged": {"winner_id": "c-1", "loser_id": "c-2", "merged_at": T0,
                        "contacts_moved": 1, "interactions_moved": 0, "tags": ["a"]},
    "contact_added": contact(email="ada@acme.example"),
    "user_created": user(AGENT_A), "user_updated": user(AGENT_A, team_id="t-2"),
    "user_deactivated": user(AGENT_A, active=False),
}
CONSUMED_TYPES = [(source, event_type) for source, copies in CONSUMED.items()
                  for event_type in copies]


@pytest.mark.parametrize("source, event_type", CONSUMED_TYPES)
def test_each_copy_loads_what_its_producer_dumps(source, event_type):
    assert event_type in PRODUCERS[source], f"{source} no longer publishes {event_type}"
    wire = PRODUCERS[source][event_type].dump(SAMPLES[event_type])
    copy = CONSUMED[source][event_type]()
    loaded = copy.load({**wire, "added_later": 1})
    assert set(loaded) <= set(copy.fields)
    for name, value in loaded.items():          # the value the producer meant, typed
        expected = SAMPLES[event_type][name]
        if hasattr(value, "isoformat"):
            assert value == expected, (event_type, name)
        else:
            assert str(value) == str(expected), (event_type, name)
    required = {name for name, field in copy.fields.items() if field.required}
    assert required <= set(loaded)


def test_the_service_desk_consumes_exactly_these_and_listens_live_to_each():
    assert {source: set(types) for source, types
            in ServiceDeskService.subscriptions.mapping.items()} \
        == {source: set(copies) for source, copies in CONSUMED.items()}
    live = live_event_types(ServiceDeskService)
    assert set(CONSUMED_TYPES) <= live


@pytest.mark.parametrize("event_type, copy", list(FROM_CUSTOMERS.items()))
def test_the_directory_reads_a_payload_as_its_copy_loads_it(event_type, copy):
    """directory/projection.read (the chassis's payloads.read: field by field, text taken as it
    is) gives what the copy's schema.load gives, and fails where it fails, with the same
    messages: a required field missing, text that is a number, null where none is allowed, a
    value of the wrong kind."""
    wire = {**CUSTOMERS[event_type].dump(SAMPLES[event_type]), "added_later": 1}
    assert projection.read({"event_type": event_type, "payload": wire}) == copy().load(wire)
    loaded = copy().load_fields
    required = next(name for name, field in loaded.items() if field.required)
    text = next(name for name, field in loaded.items() if type(field) is fields.String)
    other = next((name for name, field in loaded.items() if type(field) is not fields.String), None)
    broken = [{k: v for k, v in wire.items() if k != required}, {**wire, text: 7},
              {**wire, required: None}, "not an object"]
    if other:
        broken.append({**wire, other: "not a date, number or list"})
    for payload in broken:
        with pytest.raises(ValidationError) as expected:
            copy().load(payload)
        with pytest.raises(ValueError) as error:
            projection.read({"event_type": event_type, "payload": payload})
        assert str(expected.value.messages) in str(error.value)
