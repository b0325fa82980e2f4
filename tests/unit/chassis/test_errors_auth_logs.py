import json
import logging

import pytest
from nameko.exceptions import RemoteError, deserialize, serialize
from sqlalchemy import Column, MetaData, String, Table, insert, select

from services.chassis import errors
from services.chassis.auth import Principal, SYSTEM, owner_scope
from services.chassis.logs import JsonFormatter, bind_call_id
from services.chassis.metrics import outcome_of
from services.chassis.rpc import ServiceUnavailable
from services.chassis.validation import load


@pytest.mark.parametrize("cls", [errors.Invalid, errors.NotFound, errors.Conflict, errors.Forbidden,
                                 errors.Unauthorized, errors.BadRequest, ServiceUnavailable])
def test_domain_errors_cross_rpc_as_themselves(cls):
    original = cls("message", {"field": ["why"]})
    rebuilt = deserialize(json.loads(json.dumps(serialize(original))))
    assert type(rebuilt) is cls
    assert rebuilt.message == "message" and rebuilt.details == {"field": ["why"]}


def test_an_unregistered_error_stays_a_remote_error():
    assert isinstance(deserialize(serialize(ValueError("x"))), RemoteError)


def test_validation_load_refuses_non_objects_and_unknown_fields():
    from marshmallow import Schema, fields

    class Thing(Schema):
        name = fields.String(required=True)
    with pytest.raises(errors.Invalid):
        load(Thing, ["not", "an", "object"])
    with pytest.raises(errors.Invalid) as error:
        load(Thing, {"name": "x", "owner_id": "me"})
    assert "owner_id" in error.value.details


OWNERS = Table("records", MetaData(), Column("id", String, primary_key=True), Column("owner_id", String))


@pytest.fixture
def records(memory_engine):
    OWNERS.metadata.create_all(memory_engine)
    with memory_engine.begin() as connection:
        connection.execute(insert(OWNERS), [
            {"id": "r-a", "owner_id": "rep-a"}, {"id": "r-b", "owner_id": "rep-b"},
            {"id": "r-c", "owner_id": "rep-c"}, {"id": "r-m", "owner_id": "mgr"}])
    return memory_engine


def visible(engine, principal, team=(), for_write=False):
    with engine.connect() as connection:
        clause = owner_scope(OWNERS.c.owner_id, principal, team, for_write=for_write)
        return sorted(connection.execute(select(OWNERS.c.id).where(clause)).scalars())


@pytest.mark.parametrize("principal, team, for_write, expected", [
    (Principal("admin-1", "admin"), (), True, ["r-a", "r-b", "r-c", "r-m"]),
    (SYSTEM, (), True, ["r-a", "r-b", "r-c", "r-m"]),
    (Principal("mgr", "manager", "t1"), ("rep-a", "rep-b"), True, ["r-a", "r-b", "r-m"]),
    (Principal("rep-a", "sales_rep", "t1"), (), False, ["r-a"]),
    (Principal("rep-a", "sales_rep", "t1"), (), True, ["r-a"]),
    (Principal("mk", "marketer"), (), False, ["r-a", "r-b", "r-c", "r-m"]),
    (Principal("mk", "marketer"), (), True, []),
    (Principal("ag", "agent"), (), False, ["r-a", "r-b", "r-c", "r-m"]),
    (Principal("x", "unknown-role"), (), False, []),
])
def test_owner_scope_per_role(records, principal, team, for_write, expected):
    assert visible(records, principal, team, for_write) == expected


def test_json_logs_carry_the_call_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    bind_call_id("customers.create_customer.abc")
    try:
        entry = json.loads(JsonFormatter().format(record))
    finally:
        bind_call_id(None)
    assert entry["message"] == "hello world" and entry["call_id"] == "customers.create_customer.abc"


def test_client_errors_are_not_counted_as_failures():
    def info(exc):
        return (type(exc), exc, None)
    assert outcome_of(None) == "success"
    assert outcome_of(info(errors.NotFound("x"))) == "client_error"
    assert outcome_of(info(ServiceUnavailable("x"))) == "error"
    assert outcome_of(info(RuntimeError("x"))) == "error"
