"""The free-text index on customer.search_text, one per dialect.

`q` is a substring match (names in any script, parts of emails and phone digits), which no
B-tree can serve. Both dialects index trigrams, so any query of 3+ characters is an index
lookup followed by an exact recheck of the original LIKE:

- SQLite: an FTS5 table with the trigram tokenizer (SQLite >= 3.34) over customer's rowid,
  external content (the text lives only in customer), kept in sync by triggers, so every
  writer (handlers, import, bench seeding, raw SQL) keeps it right. Caveat: customer has no
  INTEGER PRIMARY KEY, so `VACUUM` may renumber its rowids; after a VACUUM run `rebuild()`.
- PostgreSQL: a pg_trgm GIN index, which the planner uses for `LIKE '%x%'` by itself. The
  extension must be allowed on the production server (CREATE EXTENSION needs the right).

Shared by the models (create_all in tests and first runs) and the alembic migration.
"""
FTS_TABLE = "customer_fts"
TRGM_INDEX = "ix_customer_search_trgm"
MIN_CHARS = 3                      # a trigram index cannot answer anything shorter

SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "search_text, content='customer', content_rowid='rowid', tokenize='trigram')",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON customer BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.rowid, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON customer BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.rowid, old.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF search_text ON customer
    BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.rowid, old.search_text);
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.rowid, new.search_text);
    END""",
)
# Whether customer's rowids follow its (created_at, id) order, which the service's inserts keep
# (it stamps created_at as it inserts, and each new row gets the highest rowid): then FTS5,
# which reads a word's hits by rowid downwards natively, gives the newest customers holding it
# first, and a newest-first page of any word is its first hits (search_filters.newest_matches:
# at 1M rows its cost does not depend on how many newest rows lack the word). One row, kept
# by a trigger: an insert out of that order (a clock that went back, two writers racing,
# raw SQL) or a changed created_at turns it off for good — the walk then serves, as before.
# By induction on inserts the table stays in order while each new row sits between its
# neighbours by rowid; a delete keeps it in order.
ORDER_TABLE = "customer_rowid_order"
_NEIGHBOUR = ("EXISTS (SELECT 1 FROM (SELECT created_at, id FROM customer WHERE rowid {cmp} new.rowid "
              "ORDER BY rowid {direction} LIMIT 1) AS neighbour "
              "WHERE (neighbour.created_at, neighbour.id) {out} (new.created_at, new.id))")
SQLITE_ORDER_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {ORDER_TABLE} (in_order INTEGER NOT NULL)",
    f"""CREATE TRIGGER IF NOT EXISTS {ORDER_TABLE}_ai AFTER INSERT ON customer
    WHEN {_NEIGHBOUR.format(cmp="<", direction="DESC", out=">")}
      OR {_NEIGHBOUR.format(cmp=">", direction="ASC", out="<")}
    BEGIN UPDATE {ORDER_TABLE} SET in_order = 0; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {ORDER_TABLE}_au AFTER UPDATE OF created_at, id ON customer
    BEGIN UPDATE {ORDER_TABLE} SET in_order = 0; END""",
)
# The state of a table as it is (a first run, a migration, after a bulk load or a VACUUM): in
# order when no row's key is below the one before it by rowid. One scan, once.
SQLITE_ORDER_CHECK = (
    f"DELETE FROM {ORDER_TABLE}",
    f"""INSERT INTO {ORDER_TABLE} (in_order) SELECT NOT EXISTS (
        SELECT 1 FROM (SELECT created_at, id,
                              lag(created_at) OVER (ORDER BY rowid) AS before_at,
                              lag(id) OVER (ORDER BY rowid) AS before_id FROM customer)
        WHERE (before_at, before_id) > (created_at, id))""",
)
SQLITE_ORDER_DROP = tuple(f"DROP TRIGGER IF EXISTS {ORDER_TABLE}_{suffix}" for suffix in ("ai", "au")) \
    + (f"DROP TABLE IF EXISTS {ORDER_TABLE}",)
SQLITE_DROP = tuple(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}" for suffix in ("ai", "ad", "au")) \
    + (f"DROP TABLE IF EXISTS {FTS_TABLE}",) + SQLITE_ORDER_DROP
SQLITE_REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"
# The planner statistics of the FTS5 table's shadow tables (customer_fts_data, _idx, _docsize,
# _config). An ANALYZE of a new database (revision b3c1d2e4f5a6) recorded customer_fts_data as
# 2 rows; the planner then ran FTS5's own `DELETE FROM customer_fts_data WHERE id>=? AND id<=?`
# (a segment's pages, after each merge step) as a SCAN of the whole index instead of a rowid
# range: per row written a read of every page of the text index, ~2.5 ms CPU per imported row
# at 75,000 customers and growing with the table (bench/grown_insert.py, bench/FINDINGS.md).
# Without statistics the planner assumes a large table and seeks the rowid range. Statistics
# of a grown index (ANALYZE at scale, e.g. bench/seed.py) are harmless.
SQLITE_FORGET_STATISTICS = (
    f"DELETE FROM sqlite_stat1 WHERE tbl IN ('{FTS_TABLE}_data', '{FTS_TABLE}_idx', "
    f"'{FTS_TABLE}_docsize', '{FTS_TABLE}_config')")

POSTGRES_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
POSTGRES_CREATE = (f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON customer "
                   "USING gin (search_text gin_trgm_ops)",)
POSTGRES_DROP = (f"DROP INDEX IF EXISTS {TRGM_INDEX}",)


def create(connection, fill=False):
    """Create the index on `connection`; `fill` loads existing rows (a migration)."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_CREATE + SQLITE_ORDER_CREATE + SQLITE_ORDER_CHECK:
            connection.exec_driver_sql(statement)
        if fill:
            connection.exec_driver_sql(SQLITE_REBUILD)
    elif dialect == "postgresql":
        connection.exec_driver_sql(POSTGRES_EXTENSION)
        for statement in POSTGRES_CREATE:
            connection.exec_driver_sql(statement)


def drop(connection):
    dialect = connection.dialect.name
    statements = SQLITE_DROP if dialect == "sqlite" else POSTGRES_DROP if dialect == "postgresql" else ()
    for statement in statements:
        connection.exec_driver_sql(statement)


def forget_statistics(connection):
    """SQLite: drop the planner statistics of the text index's shadow tables (see
    SQLITE_FORGET_STATISTICS); a new connection plans FTS5's statements without them. Run it
    after an ANALYZE of a database whose text index is still small."""
    if connection.dialect.name == "sqlite" and connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'").first():
        connection.exec_driver_sql(SQLITE_FORGET_STATISTICS)


def rebuild(connection):
    """Re-read every row (SQLite, after a VACUUM, which may renumber rowids), and check their
    order again; PostgreSQL's index needs nothing."""
    if connection.dialect.name == "sqlite":
        for statement in (SQLITE_REBUILD,) + SQLITE_ORDER_CHECK:
            connection.exec_driver_sql(statement)


def create_order_check(connection):
    """SQLite: the rowid-order state and its triggers on a database that has the text index
    (the migration that brings them); nothing elsewhere."""
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_ORDER_CREATE + SQLITE_ORDER_CHECK:
            connection.exec_driver_sql(statement)


def drop_order_check(connection):
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_ORDER_DROP:
            connection.exec_driver_sql(statement)
