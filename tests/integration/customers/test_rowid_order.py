"""SQLite's record of whether customer's rowids follow its (created_at, id) order
(search_index.ORDER_TABLE), which lets a newest-first text page read the FTS5 hits by rowid
(search_filters.newest_matches): the migration computes it for the rows there, and a trigger
turns it off for good at the first row inserted out of that order or a changed created_at."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, text, update

from services.chassis.db import make_engine
from services.customers import normalize, search_index
from services.customers.models import Customer

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _row(index, minutes, rowid=None):
    stamp = START + timedelta(minutes=minutes)
    row = {"id": f"c-{index:03}", "kind": "company", "name": f"Firm {index}",
           "name_norm": normalize.text(f"Firm {index}"), "search_text": f"firm {index}",
           "lifecycle_stage": "lead", "owner_id": "u-1", "created_by": "t",
           "created_at": stamp, "updated_at": stamp}
    return row


@pytest.fixture
def engine(migrated_database):
    engine = make_engine(migrated_database("customers", "sqlite"))
    yield engine
    engine.dispose()


def _in_order(engine):
    with engine.connect() as connection:
        return connection.scalar(text(f"SELECT in_order FROM {search_index.ORDER_TABLE}"))


def _insert(engine, *rows, rowid=None):
    with engine.begin() as connection:
        if rowid is None:
            connection.execute(insert(Customer.__table__), list(rows))
        else:                                   # an explicit rowid, as bench/seed.py's top-up
            (row,) = rows
            columns = ", ".join(row)
            connection.execute(text(f"INSERT INTO customer (rowid, {columns}) VALUES "
                                    f"(:rowid, {', '.join(':' + name for name in row)})"),
                               {**{k: (v.strftime('%Y-%m-%d %H:%M:%S.%f') if isinstance(v, datetime)
                                      else v) for k, v in row.items()}, "rowid": rowid})


def test_rows_inserted_as_they_are_created_keep_it_and_one_out_of_order_ends_it(engine):
    assert _in_order(engine) == 1                                       # an empty table
    _insert(engine, *(_row(index, index) for index in range(1, 6)))
    assert _in_order(engine) == 1
    _insert(engine, _row(0, -10), rowid=-5)             # below every rowid, older than every row
    assert _in_order(engine) == 1
    _insert(engine, _row(6, 6), _row(7, 7))
    assert _in_order(engine) == 1
    _insert(engine, _row(8, 3))                         # the highest rowid, created before others
    assert _in_order(engine) == 0
    _insert(engine, _row(9, 100))                       # in order again after it: still off
    assert _in_order(engine) == 0


def test_the_same_instant_is_ordered_by_id(engine):
    _insert(engine, _row(2, 0))
    _insert(engine, _row(3, 0))
    assert _in_order(engine) == 1
    _insert(engine, _row(1, 0))                         # same created_at, a lower id, inserted last
    assert _in_order(engine) == 0


def test_a_changed_created_at_ends_it(engine):
    _insert(engine, _row(1, 1), _row(2, 2))
    with engine.begin() as connection:
        connection.execute(update(Customer.__table__).where(Customer.id == "c-002")
                           .values(updated_at=START + timedelta(days=1)))
    assert _in_order(engine) == 1                       # any other column: no matter
    with engine.begin() as connection:
        connection.execute(update(Customer.__table__).where(Customer.id == "c-002")
                           .values(created_at=START + timedelta(days=1)))
    assert _in_order(engine) == 0


def test_the_check_reads_the_rows_as_they_are(engine):
    """The migration's computation (search_index.create_order_check), and again after a
    VACUUM (search_index.rebuild): in order, then not once a row is dated before its
    predecessor by rowid."""
    _insert(engine, *(_row(index, index) for index in range(1, 4)))
    with engine.begin() as connection:
        search_index.drop_order_check(connection)
        connection.execute(update(Customer.__table__).where(Customer.id == "c-002")
                           .values(created_at=START - timedelta(days=1)))
        search_index.create_order_check(connection)
    assert _in_order(engine) == 0
    with engine.begin() as connection:
        connection.execute(update(Customer.__table__).where(Customer.id == "c-002")
                           .values(created_at=START + timedelta(minutes=2)))
        search_index.rebuild(connection)
    assert _in_order(engine) == 1
