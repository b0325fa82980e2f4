"""The chassis's keyset pages: newest first over (created_at, id), and reconcile pages by id
stamped with the event sequence — walked to the end, every row exactly once, in order."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from services.chassis import pagination
from services.chassis.errors import Invalid
from services.chassis.models import ChassisBase, EventSequence, UtcDateTime

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


class Thing(Base):
    __tablename__ = "thing"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


@pytest.fixture
def session(memory_engine):
    Base.metadata.create_all(memory_engine)
    ChassisBase.metadata.create_all(memory_engine)
    with Session(memory_engine) as session:
        # two rows share a timestamp: the id breaks the tie
        session.add_all([Thing(id=f"t{i:02}", created_at=T0 + timedelta(minutes=i // 2))
                         for i in range(7)])
        session.add(EventSequence(id=1, last=42))
        session.commit()
        yield session


def dump(_session, rows):
    return [row.id for row in rows]


def test_newest_first_walks_every_row_once_newest_first(session):
    seen, cursor = [], None
    while True:
        page = pagination.newest_first(session, select(Thing), Thing,
                                       {"limit": 3, "cursor": cursor}, "things", dump)
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"t{i:02}" for i in reversed(range(7))]


def test_a_cursor_of_another_query_is_refused(session):
    page = pagination.newest_first(session, select(Thing), Thing, {"limit": 2}, "things", dump)
    with pytest.raises(Invalid):
        pagination.newest_first(session, select(Thing), Thing,
                                {"limit": 2, "cursor": page["next_cursor"]}, "others", dump)


@pytest.mark.parametrize("query", [select(Thing), select(Thing.id, Thing.created_at)])
def test_reconcile_pages_by_id_with_the_sequence(session, query):
    seen, cursor, sequences = [], None, set()
    while True:
        page = pagination.reconcile_page(session, query, Thing.id, cursor, 3, "reconcile:things",
                                         dump)
        seen += page["items"]
        sequences.add(page["sequence"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"t{i:02}" for i in range(7)]
    assert sequences == {42}


@pytest.mark.parametrize("limit", [0, 1001, True, "5"])
def test_reconcile_limit_is_checked(session, limit):
    with pytest.raises(Invalid):
        pagination.reconcile_page(session, select(Thing), Thing.id, None, limit, "r", dump)
