"""Idempotency keys in the chassis, without a broker: the header's rules, the fingerprint, and
the guard over a real SQLite file (services/chassis/idempotency.py, db.py)."""
import json
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import String, event, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from services.chassis import idempotency
from services.chassis.auth import Principal
from services.chassis.db import DatabaseAccess, create_schema, make_engine
from services.chassis.errors import NotFound
from services.chassis.idempotency import (IdempotencyKeyInUse, IdempotencyKeyInvalid,
                                          IdempotencyKeyReused, parse_key, request_fingerprint)
from services.chassis.models import IdempotencyRecord, utcnow
from tests.unit.chassis.fakes import RecordingRelay


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "row"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    text: Mapped[str] = mapped_column(String(50))


# --- the header -----------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["", " ", "x" * 256, "tab\there", "nul\x00", "é", "ünï",
                                 " leading", "trailing ", "line\nbreak"])
def test_a_malformed_key_is_a_400(raw):
    with pytest.raises(IdempotencyKeyInvalid) as refused:
        parse_key(raw)
    assert refused.value.http_status == 400 and refused.value.code == "idempotency_key_invalid"


@pytest.mark.parametrize("raw", [str(uuid.uuid4()), "x" * 255, "a", '"sf-string"', "a b:c/d=e"])
def test_printable_keys_up_to_255_characters_are_taken_as_they_are(raw):
    assert parse_key(raw) == raw


def test_no_header_is_no_key():
    assert parse_key(None) is None


def test_the_fingerprint_covers_method_path_query_and_body():
    base = request_fingerprint("POST", "/api/v1/customers", b'{"name": "A"}')
    assert base == request_fingerprint("post", "/api/v1/customers", b'{"name": "A"}')
    assert len(base) == 64
    others = {request_fingerprint("PATCH", "/api/v1/customers", b'{"name": "A"}'),
              request_fingerprint("POST", "/api/v1/customers/1", b'{"name": "A"}'),
              request_fingerprint("POST", "/api/v1/customers?force=true", b'{"name": "A"}'),
              request_fingerprint("POST", "/api/v1/customers", b'{"name": "B"}'),
              request_fingerprint("POST", "/api/v1/customers", b"")}
    assert base not in others and len(others) == 5
    # parts are length-prefixed: moving bytes from one part to the next changes the fingerprint
    assert idempotency.fingerprint("ab", "c") != idempotency.fingerprint("a", "bc")


# --- the guard ------------------------------------------------------------------------------

@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'guard.db'}")
    create_schema(engine, Base.metadata)
    yield engine
    engine.dispose()


class Worker:
    """A worker's context and its DatabaseAccess, as nameko gives them to a service method."""

    def __init__(self, engine, in_flight, key=None, fingerprint="f1", user="u1"):
        data = {"principal": Principal(user_id=user, role="sales_rep").to_json()}
        if key is not None:
            data.update({idempotency.KEY_CONTEXT: key, idempotency.FINGERPRINT_CONTEXT: fingerprint})
        self.ctx = SimpleNamespace(data=data)
        provider = SimpleNamespace(engine=engine, source="test", event_schemas={},
                                   sessionmaker=sessionmaker(bind=engine, expire_on_commit=False),
                                   relay=RecordingRelay(), in_flight=in_flight)
        self.db = DatabaseAccess(provider, self.ctx)

    def run(self, method, *args):
        return idempotency.run(self.db, self.ctx, method.__name__, args, {},
                               lambda: method(self.db, *args))


@pytest.fixture
def worker(engine):
    in_flight = set()
    return lambda **options: Worker(engine, in_flight, **options)


def add_row(db, text):
    with db.unit_of_work() as uow:
        row = Row(id=str(uuid.uuid4()), text=text)
        uow.session.add(row)
    return {"id": row.id, "text": text}


def count(engine, model):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar()


def test_without_a_key_nothing_is_recorded_and_no_statement_is_added(engine, worker):
    statements = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: statements.append(statement))
    worker().run(add_row, "plain")
    assert len(statements) == 1 and statements[0].startswith('INSERT INTO "row"')   # no more
    assert count(engine, Row) == 1 and count(engine, IdempotencyRecord) == 0


def test_the_same_key_answers_the_first_answer_without_running_again(engine, worker):
    first = worker(key="k1").run(add_row, "once")
    again = worker(key="k1").run(add_row, "once")
    assert again == first and count(engine, Row) == 1 and count(engine, IdempotencyRecord) == 1


def test_the_same_key_with_another_request_is_a_422(engine, worker):
    worker(key="k1", fingerprint="f1").run(add_row, "a")
    with pytest.raises(IdempotencyKeyReused) as refused:
        worker(key="k1", fingerprint="f2").run(add_row, "b")
    assert refused.value.http_status == 422 and refused.value.code == "idempotency_key_reused"
    assert count(engine, Row) == 1


def test_keys_are_per_principal_and_per_method(engine, worker):
    def add_other(db, text):
        return add_row(db, text)
    worker(key="k1", user="u1").run(add_row, "a")
    worker(key="k1", user="u2").run(add_row, "a")
    worker(key="k1", user="u1").run(add_other, "a")
    assert count(engine, Row) == 3 and count(engine, IdempotencyRecord) == 3


def test_the_answer_commits_with_the_work_or_neither_does(engine, worker, monkeypatch):
    """Recording the answer fails (a crash between work and record, as it were): the work is
    rolled back with it, so a retry does it once instead of finding it done without an answer."""
    def failing_dumps(result):
        raise RuntimeError("crash before the answer is written")
    monkeypatch.setattr(idempotency, "dumps", failing_dumps)
    with pytest.raises(RuntimeError):
        worker(key="k1").run(add_row, "lost")
    assert count(engine, Row) == 0 and count(engine, IdempotencyRecord) == 0
    monkeypatch.undo()
    worker(key="k1").run(add_row, "lost")
    assert count(engine, Row) == 1


def test_a_key_in_progress_in_this_process_is_a_409(worker):
    def step(db, text):
        return inner.run(step, text)       # the same key and method arrive while this one runs
    outer, inner = worker(key="k1"), worker(key="k1")
    with pytest.raises(IdempotencyKeyInUse) as refused:
        outer.run(step, "x")
    assert refused.value.http_status == 409 and refused.value.details == {"retry_after": 1}


def test_a_refusal_is_not_recorded_and_a_retry_is_evaluated_again(engine, worker):
    attempts = []

    def refuse_first(db, text):
        attempts.append(text)
        if len(attempts) == 1:
            raise NotFound("not yet")
        return add_row(db, text)
    with pytest.raises(NotFound):
        worker(key="k1").run(refuse_first, "t")
    assert worker(key="k1").run(refuse_first, "t")["text"] == "t"
    assert len(attempts) == 2 and count(engine, IdempotencyRecord) == 1


def test_an_expired_key_runs_again_and_the_purge_forgets_old_keys(engine, worker, monkeypatch):
    first = worker(key="old").run(add_row, "a")
    worker(key="new").run(add_row, "b")
    with engine.begin() as connection:
        connection.execute(IdempotencyRecord.__table__.update()
                           .where(IdempotencyRecord.key == "old")
                           .values(created_at=utcnow() - timedelta(hours=25)))
    monkeypatch.setenv("IDEMPOTENCY_KEY_TTL_SECONDS", str(24 * 3600))
    assert worker(key="old").run(add_row, "a")["id"] != first["id"]     # expired: a new write
    with engine.begin() as connection:
        connection.execute(IdempotencyRecord.__table__.update()
                           .where(IdempotencyRecord.key == "new")
                           .values(created_at=utcnow() - timedelta(hours=25)))
    assert idempotency.purge(worker().db, utcnow() - timedelta(hours=24)) == 1
    with engine.connect() as connection:
        assert connection.execute(select(IdempotencyRecord.key)).scalars().all() == ["old"]


def test_with_several_units_of_work_the_answer_goes_with_the_last(engine, worker):
    def two_steps(db, text):
        add_row(db, text + "-1")
        with db.read_only() as session:          # a read after a write sees it: committed first
            assert session.scalar(select(func.count()).select_from(Row)) == 1
        return add_row(db, text + "-2")
    answer = worker(key="k1").run(two_steps, "s")
    assert worker(key="k1").run(two_steps, "s") == answer
    assert count(engine, Row) == 2 and count(engine, IdempotencyRecord) == 1


def test_events_are_relayed_once_the_answer_is_committed(engine, worker):
    keyed = worker(key="k1")
    relay = keyed.db._provider.relay

    def emits(db, text):
        with db.unit_of_work() as uow:
            uow.session.add(Row(id=str(uuid.uuid4()), text=text))
            uow._pending.append(("row_added", 1, json.dumps({"text": text})))    # as uow.emit would
        assert relay.published == []             # held: not committed, not published yet
        return {"text": text}
    keyed.run(emits, "e")
    assert relay.published == [1]
