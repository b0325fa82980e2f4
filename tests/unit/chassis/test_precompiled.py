"""Dialect INSERT ... ON CONFLICT statements compiled once and run with typed parameters."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import String, bindparam, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis import db as chassis_db
from services.chassis.db import insert_ignoring_conflicts, precompiled
from services.chassis.models import UtcDateTime
from tests.unit.chassis.fakes import make_db


class Base(DeclarativeBase):
    pass


class Tagged(Base):
    __tablename__ = "tagged"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False, unique=True)
    at: Mapped[datetime | None] = mapped_column(UtcDateTime)


@pytest.fixture
def db(memory_engine):
    return make_db(memory_engine, Base.metadata)


NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_a_conflicting_insert_does_nothing_and_the_statement_is_compiled_once(db):
    with db.unit_of_work() as uow:
        first = insert_ignoring_conflicts(uow.session, Tagged, {"id": "a", "name": "x", "at": NOW},
                                          ["name"])
        again = insert_ignoring_conflicts(uow.session, Tagged, {"id": "b", "name": "x", "at": NOW},
                                          ["name"])
        assert (first.rowcount, again.rowcount) == (1, 0)
    keys = [key for key in chassis_db._PRECOMPILED if key[1][0] == "ignoring_conflicts"
            and key[1][1] is Tagged.__table__]
    assert len(keys) == 1
    with db.read_only() as session:
        assert [(row.id, row.at) for row in session.scalars(select(Tagged))] == [("a", NOW)]


def test_parameters_keep_their_column_types(db):
    with pytest.raises(StatementError, match="naive datetime"):
        with db.unit_of_work() as uow:
            insert_ignoring_conflicts(uow.session, Tagged,
                                      {"id": "a", "name": "x", "at": datetime(2026, 1, 2)}, ["name"])


def test_precompiled_builds_once_per_dialect_and_name(db):
    built = []

    def build(dialect):
        built.append(dialect.__name__)
        return dialect.insert(Tagged.__table__).values(id=bindparam("id"), name=bindparam("name"))
    with db.read_only() as session:
        statement = precompiled(session, "test-once", build)
        assert precompiled(session, "test-once", build) is statement
    assert built == ["sqlalchemy.dialects.sqlite"]
