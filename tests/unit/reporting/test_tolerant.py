"""tolerant.load's quick path loads exactly what marshmallow loads, and leaves to marshmallow
(its errors included) whatever it does not take."""
import importlib
import pkgutil
from datetime import datetime, timezone

import pytest
from marshmallow import fields

from services.chassis import payloads
from services.reporting import domains, tolerant
from services.reporting.domains.customers import consumes


def _schemas():
    for module in pkgutil.walk_packages(domains.__path__, domains.__name__ + "."):
        importlib.import_module(module.name)
    found, todo = set(), [tolerant.Tolerant]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return sorted(found, key=lambda cls: (cls.__module__, cls.__qualname__))


VALUES = {fields.String: ["x", "", None, 5, b"b", ["x"]],
          fields.Integer: [3, 0, None, True, "4", 4.0, 4.5, "x"],
          fields.AwareDateTime: ["2025-03-14T10:00:00+00:00", "2025-03-14T10:00:00.123456+05:30",
                                 "2025-03-14T10:00:00", "2025-03-14", "nonsense", None, 7,
                                 "2025-03-14T10:00:00Z"]}


def _outcome(schema_class, payload):
    try:
        return schema_class().load(payload)
    except Exception as error:          # noqa: BLE001  (the message is compared)
        return ("error", type(error).__name__, str(error))


def _through_load(schema_class, payload):
    try:
        return tolerant.load(schema_class, {"event_type": "e", "payload": payload})
    except ValueError as error:
        return ("error", str(error))


def _expected(schema_class, payload):
    try:
        return schema_class().load(payload)
    except Exception as error:          # noqa: BLE001
        return ("error", f"unreadable e payload: {error.messages}")


def _payloads(schema_class):
    schema = schema_class()
    base = {}
    for name, field in schema.load_fields.items():
        base[name] = VALUES.get(type(field), [None])[0]
    yield {**base, "extra": object()}                       # unknown fields: excluded
    for name, field in schema.load_fields.items():
        rest = {key: value for key, value in base.items() if key != name}
        yield rest                                          # missing
        for value in VALUES.get(type(field), []):
            yield {**base, name: value}
    yield []


@pytest.mark.parametrize("schema_class", _schemas(), ids=lambda cls: cls.__qualname__)
def test_load_is_marshmallows(schema_class):
    for payload in _payloads(schema_class):
        assert _through_load(schema_class, payload) == _expected(schema_class, payload), payload


def test_the_hot_event_types_take_the_quick_path():
    assert payloads.is_plain(consumes.CustomerRecord())
    assert payloads.is_plain(consumes.CustomerAssigned())
    data = tolerant.load(consumes.CustomerRecord, {"event_type": "customer_created", "payload": {
        "id": "c1", "lifecycle_stage": "lead", "region": None, "value_class": "A",
        "industry": "it", "owner_id": "u1", "created_at": "2025-03-14T10:00:00+00:00", "x": 1}})
    assert data == {"id": "c1", "lifecycle_stage": "lead", "region": None, "value_class": "A",
                    "industry": "it", "size": None, "owner_id": "u1",
                    "created_at": datetime(2025, 3, 14, 10, tzinfo=timezone.utc)}
