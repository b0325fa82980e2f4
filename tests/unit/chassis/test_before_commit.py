"""UnitOfWork.before_commit: work gathered over the steps of one unit (a batch of events) done
once at its end, inside the transaction, before its events are written."""
import pytest
from marshmallow import Schema, fields
from sqlalchemy import func, select

from services.chassis.models import OutboxEvent
from tests.unit.chassis.fakes import make_db
from tests.unit.chassis.test_inbox import Base, Seen


class Note(Schema):
    id = fields.String(required=True)


@pytest.fixture
def db(memory_engine):
    return make_db(memory_engine, Base.metadata, event_schemas={"noted": Note()})


def rows(db, model):
    with db.read_only() as session:
        return session.scalar(select(func.count()).select_from(model))


class Collector:
    def __init__(self, uow, runs):
        self.uow, self.runs, self.ids = uow, runs, []

    def run(self):
        self.runs.append(list(self.ids))
        for seen_id in self.ids:
            self.uow.session.add(Seen(id=seen_id))
            self.uow.emit("noted", {"id": seen_id})


def collect(uow, runs, seen_id):
    uow.before_commit("k", lambda: Collector(uow, runs), Collector.run).ids.append(seen_id)


def test_collected_over_a_unit_run_once_at_its_end_and_committed_with_it(db):
    runs = []
    with db.unit_of_work() as uow:
        collect(uow, runs, "a")
        collect(uow, runs, "b")
        assert runs == []                       # not before the block ends
    assert runs == [["a", "b"]]
    assert (rows(db, Seen), rows(db, OutboxEvent)) == (2, 2)   # its writes and events commit


def test_not_run_when_the_block_fails_and_a_failing_run_rolls_everything_back(db):
    runs = []
    with pytest.raises(RuntimeError):
        with db.unit_of_work() as uow:
            collect(uow, runs, "a")
            raise RuntimeError("an event failed")
    assert runs == []

    def failing(collector):
        raise ValueError("the evaluation failed")
    with pytest.raises(ValueError):
        with db.unit_of_work() as uow:
            uow.session.add(Seen(id="x"))
            uow.before_commit("k", list, failing)
    assert rows(db, Seen) == 0


def test_a_run_may_register_another(db):
    order = []
    with db.unit_of_work() as uow:
        uow.before_commit("first", list, lambda _: (
            order.append("first"), uow.before_commit("second", list,
                                                      lambda _: order.append("second"))))
    assert order == ["first", "second"]
