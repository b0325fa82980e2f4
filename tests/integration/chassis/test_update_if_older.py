"""update_if_older (services/chassis/db.py) on SQLite and PostgreSQL: a newer sequence moves
the row's fields in one UPDATE and a copy the session holds reads them; an older or equal one,
or a missing row, changes nothing and says so."""
import pytest
from sqlalchemy import BigInteger, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.db import make_engine, update_if_older
from tests.unit.chassis.fakes import make_db


class Base(DeclarativeBase):
    pass


class Copy(Base):
    __tablename__ = "test_owner_copy"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_id: Mapped[str | None] = mapped_column(String(36))
    region: Mapped[str | None] = mapped_column(String(64))
    owner_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


@pytest.fixture
def db(database_url):
    engine = make_engine(database_url)
    yield make_db(engine, Base.metadata)
    engine.dispose()


@pytest.mark.dialect_sensitive
def test_a_newer_sequence_moves_the_fields_and_an_older_one_does_not(db):
    with db.unit_of_work() as uow:
        uow.session.add(Copy(id="c-1", owner_id="u-1", region="north", owner_sequence=5))
    with db.unit_of_work() as uow:
        held = uow.session.get(Copy, "c-1")
        assert update_if_older(uow.session, Copy, "c-1", "owner_sequence", 7,
                               {"owner_id": "u-2", "region": None}) is True
        assert (held.owner_id, held.region, held.owner_sequence) == ("u-2", None, 7)
        for sequence in (7, 6):
            assert update_if_older(uow.session, Copy, "c-1", "owner_sequence", sequence,
                                   {"owner_id": "u-3", "region": "west"}) is False
        assert update_if_older(uow.session, Copy, "c-9", "owner_sequence", 9,
                               {"owner_id": "u-3", "region": "west"}) is False
    with db.read_only() as session:
        row = session.get(Copy, "c-1")
        assert (row.owner_id, row.region, row.owner_sequence) == ("u-2", None, 7)
        assert session.get(Copy, "c-9") is None
