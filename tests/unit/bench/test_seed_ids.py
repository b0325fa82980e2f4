"""The benchmark's seeded customers get ids as the service makes them (time-ordered at their
creation), reproducibly from the seed's generator."""
import random
import uuid
from datetime import datetime, timedelta, timezone

from bench import seed

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_seeded_ids_follow_creation_and_repeat_with_the_seed():
    times = [T0 + timedelta(seconds=s) for s in (5, 1, 3, 2, 4)]
    first = [seed.new_id(t, random.Random(7)) for t in times]
    again = [seed.new_id(t, random.Random(7)) for t in times]
    assert first == again
    by_time = [i for _, i in sorted(zip(times, first))]
    assert sorted(first) == by_time and {uuid.UUID(i).version for i in first} == {7}


def test_a_seeded_table_reads_as_one_the_service_filled_rowids_follow_creation(tmp_path):
    """A first load dates its rows ascending in insert order; a top-up after live writes adds
    rows older than every row there with rowids below the lowest (seed.Dating), so on SQLite
    the rowid order is the creation order at every step, as the service's inserts leave it."""
    import sqlite3
    from services.chassis.migrate import upgrade
    url = f"sqlite:///{tmp_path / 'customers.db'}"
    upgrade("customers", url)
    seed.top_up(url, 300, ["o1"], "admin", progress=None)
    db = sqlite3.connect(tmp_path / "customers.db")
    db.execute("INSERT INTO customer (id, kind, name, name_norm, search_text, region, "
               "lifecycle_stage, created_by, created_at, updated_at) VALUES ('live', 'company', "
               "'Bench Write 1', 'bench write 1', 'bench write 1', 'North', 'lead', 'admin', "
               "'2999-01-01 00:00:00.000000', '2999-01-01 00:00:00.000000')")
    db.commit()
    seed.top_up(url, 1_000, ["o1"], "admin", progress=None)      # one batch: built in-process
    rows = db.execute("SELECT rowid, created_at, id FROM customer ORDER BY rowid").fetchall()
    assert len(rows) == 1_000 and rows[-1][2] == "live"              # top_up counts every row
    assert [created for _, created, _ in rows] == sorted(created for _, created, _ in rows)
    assert [rowid for rowid, _, _ in rows] == list(range(rows[0][0], rows[0][0] + 1_000))
    hits = db.execute("SELECT count(*) FROM customer_fts WHERE customer_fts MATCH 'logistics'")
    assert hits.fetchone()[0] > 0                     # the text index has the older rows too
    sample = seed.sample(url, 100)
    assert len(sample) == 100 and len({c.id for c in sample}) == 100
