"""make_engine on PostgreSQL: an UPDATE run with many parameter sets (the ORM's flush of many
changed rows of one shape: reporting's facts at a batch's commit) goes as psycopg2's
execute_batch, not a round trip per row."""
import pytest
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from services.chassis.db import make_engine

pytestmark = pytest.mark.postgres


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "batched_row"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


def test_many_changed_rows_flush_in_pages_of_a_hundred(postgres_database, monkeypatch):
    engine = make_engine(postgres_database)
    try:
        Base.metadata.create_all(engine)
        with Session(engine) as session, session.begin():
            session.add_all([Row(id=number, name="old") for number in range(250)])
        cursor_calls = []
        extras = engine.dialect._psycopg2_extras
        real = extras.execute_batch
        monkeypatch.setattr(extras, "execute_batch", lambda cursor, sql, rows, **kw: (
            cursor_calls.append(len(rows)), real(cursor, sql, rows, **kw))[1])
        with Session(engine) as session, session.begin():
            for row in session.scalars(select(Row)):
                row.name = f"new{row.id}"
        assert cursor_calls == [250]            # one execute_batch: 3 round trips, not 250
        with Session(engine) as session:
            assert {row.name for row in session.scalars(select(Row))} == {
                f"new{number}" for number in range(250)}
    finally:
        engine.dispose()
