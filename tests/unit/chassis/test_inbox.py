import pytest
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis import inbox
from services.chassis.models import ConsumerPosition
from tests.unit.chassis.fakes import make_db


class Base(DeclarativeBase):
    pass


class Seen(Base):
    __tablename__ = "seen"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)


def record(uow, envelope):
    if envelope["payload"].get("fail"):
        raise ValueError("cannot apply")
    uow.session.add(Seen(id=envelope["payload"]["id"]))


SUBSCRIPTIONS = inbox.Subscriptions({"producer": {"thing_done": record}})


def event(sequence, fail=False, event_type="thing_done"):
    return {"event_id": f"e{sequence}", "event_type": event_type, "source": "producer",
            "sequence": sequence, "payload": {"id": f"t{sequence}", "fail": fail}}


@pytest.fixture
def db(memory_engine):
    return make_db(memory_engine, Base.metadata)


def seen(db):
    with db.read_only() as session:
        return sorted(session.scalars(select(Seen.id)))


def test_an_event_applies_once_however_often_it_arrives(db):
    assert inbox.consume(db, SUBSCRIPTIONS, event(1)) == inbox.PROCESSED
    assert inbox.consume(db, SUBSCRIPTIONS, event(1)) == inbox.DUPLICATE
    assert seen(db) == ["t1"]


def test_an_unsubscribed_event_type_is_ignored(db):
    assert inbox.consume(db, SUBSCRIPTIONS, event(1, event_type="other")) == inbox.IGNORED
    assert seen(db) == []


def test_a_failed_effect_leaves_no_inbox_record_so_it_can_be_retried(db):
    with pytest.raises(ValueError):
        inbox.consume(db, SUBSCRIPTIONS, event(1, fail=True))
    assert inbox.consume(db, SUBSCRIPTIONS, event(1)) == inbox.PROCESSED


def test_catch_up_pages_through_the_log_and_stops_at_a_failure(db):
    log = [event(1), event(2), event(3, fail=True), event(4)]

    def fetch(position, limit):
        return [e for e in log if e["sequence"] > position][:limit]

    with pytest.raises(ValueError):
        inbox.catch_up(db, SUBSCRIPTIONS, fetch, "producer", page_size=2)
    assert seen(db) == ["t1", "t2"]
    with db.read_only() as session:
        position = session.get(ConsumerPosition, "producer")
        assert position.last_sequence == 2 and "cannot apply" in position.last_error

    log[2] = event(3)                                         # the producer's data is fixed
    applied, position = inbox.catch_up(db, SUBSCRIPTIONS, fetch, "producer", page_size=2)
    assert (applied, position) == (2, 4)
    assert seen(db) == ["t1", "t2", "t3", "t4"]
    assert inbox.positions(db) == {"producer": 4}
