"""bench.databases' stand-in for PostgreSQL's autovacuum (this machine's server runs without
it): which tables it analyzes or vacuums, by autovacuum's default thresholds, and that a run
gives a grown table the statistics the planner needs (bench/FINDINGS.md, eighth session)."""
import time

import psycopg2
import pytest

from bench import databases
from tests import postgres


def test_a_table_is_analyzed_once_a_tenth_of_it_changed_and_vacuumed_once_a_fifth_is_dead():
    assert databases.autovacuum_due([
        ("new", 51, 0, -1),              # never analyzed: 50 changed rows are enough
        ("quiet", 50, 0, 0),
        ("grown", 1_051, 0, 10_000),     # 10 % + 50 of the planner's rows
        ("almost", 1_050, 0, 10_000),
        ("dead", 0, 2_051, 10_000),      # 20 % + 50 dead: vacuumed (and analyzed)
        ("few dead", 5_000, 2_050, 10_000),
    ]) == [("ANALYZE", "new"), ("ANALYZE", "grown"), ("VACUUM ANALYZE", "dead"),
           ("ANALYZE", "few dead")]


@pytest.mark.postgres
def test_a_run_gives_a_grown_table_its_statistics(postgres_database):
    name = postgres_database.rsplit("/", 1)[-1]
    connection = psycopg2.connect(postgres.ADMIN_DSN, dbname=name)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE item (id int PRIMARY KEY, key text)")
        cursor.execute("ANALYZE item")                   # as the migrations do, on no rows
        cursor.execute("INSERT INTO item SELECT n, 'k' || n FROM generate_series(1, 5000) n")
    connection.close()                                   # its counts reach the statistics
    stand_in = databases.Autovacuum([name])
    deadline = time.monotonic() + 10
    while not stand_in.runs and time.monotonic() < deadline:
        stand_in.once(name)
    assert [(run[1], run[2]) for run in stand_in.runs] == [("ANALYZE", "item")]
    connection = psycopg2.connect(postgres.ADMIN_DSN, dbname=name)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'item'")
            assert cursor.fetchone()[0] == 5000
            cursor.execute("SELECT n_distinct FROM pg_stats WHERE tablename = 'item' "
                           "AND attname = 'key'")
            assert cursor.fetchone()[0] == -1            # every key distinct: an index lookup
    finally:
        connection.close()
