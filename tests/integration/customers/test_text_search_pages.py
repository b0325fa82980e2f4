"""Free-text search pages on a migrated database, SQLite and PostgreSQL: a common word, a rare
one and a word nobody has give the same pages whichever way the page is found (PostgreSQL's
walk of the sort order, bounded by PROBE rows a page row or by the word's sampled frequency,
then the trigram index; SQLite's FTS5 count, its newest-first page read from the FTS5 hits by rowid
while rowids follow creation, and otherwise its newest-first walk that tests its newest hits
by membership), across keyset pages, sorts and scopes, with merged customers left out — also
when the newest rows do not hold the word."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import Session

from services.chassis.db import make_engine
from services.customers import normalize, search_index
from services.customers.handlers import search
from services.customers.models import Customer, CustomerTag, Tag
from services.customers.queries import search_filters
from tests.unit.customers.support import ADMIN, REP_A

pytestmark = pytest.mark.dialect_sensitive("text search: pg_trgm and the bounded walk vs FTS5")

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _row(index, name, owner, merged_into=None):
    email = f"c{index}@example.com"
    stamp = START + timedelta(minutes=index)
    return {"id": f"c-{index:03}", "kind": "company", "name": name, "name_norm": normalize.text(name),
            "search_text": normalize.search_text(name, email, None), "email": email,
            "email_norm": normalize.email(email), "lifecycle_stage": "lead", "owner_id": owner,
            "created_by": "t", "merged_into": merged_into, "created_at": stamp, "updated_at": stamp}


@pytest.fixture
def engine(dialect, migrated_database):
    """60 customers: every third a "Logistics" (1 in 4 of those merged away), one "Quux Rail",
    owners alternating between two reps."""
    engine = make_engine(migrated_database("customers", dialect))
    rows = []
    for index in range(60):
        name = f"Acme Logistics {index}" if index % 3 == 0 else f"Plain Name {index}"
        if index == 41:
            name = "Quux Rail"
        merged = "c-001" if index % 12 == 0 else None
        rows.append(_row(index, name, REP_A.user_id if index % 2 else "u-rep-b", merged))
    with engine.begin() as connection:
        connection.execute(insert(Customer.__table__), rows)
        # "vip" on every live customer divisible by 5: the tag + text case meets the
        # customer_tag range (the link) that a tag page in created_at order walks
        connection.execute(insert(Tag.__table__), [{"id": "t-vip", "name": "vip", "name_norm": "vip",
                                                     "created_at": START}])
        connection.execute(insert(CustomerTag.__table__), [
            {"customer_id": row["id"], "tag_id": "t-vip", "customer_created_at": row["created_at"]}
            for index, row in enumerate(rows) if index % 5 == 0 and row["merged_into"] is None])
    yield engine
    engine.dispose()


def _pages(engine, principal, **query):
    """Every page's names, following next_cursor."""
    pages, cursor = [], None
    while True:
        with Session(engine) as session:
            page = search.list_customers(session, principal,
                                         {**query, **({"cursor": cursor} if cursor else {})})
        pages.append([item["name"] for item in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages


def _expected(principal, word, sort):
    """The live customers `principal` may see whose name holds `word`, in `sort` order."""
    live = [i for i in range(60) if i % 12 and (principal is ADMIN or i % 2)]
    names = {i: ("Quux Rail" if i == 41 else f"Acme Logistics {i}" if i % 3 == 0 else f"Plain Name {i}")
             for i in live}
    hits = [i for i in live if word in names[i].lower()]
    if sort == "name":
        return sorted((names[i] for i in hits), key=normalize.text)
    return [names[i] for i in sorted(hits, reverse=sort.startswith("-"))]


@pytest.fixture
def paths(monkeypatch):
    """Set the walk's bounds: (PROBE, RENT); the sample reads the whole (small) table."""
    monkeypatch.setattr(search_filters, "SAMPLE", 10**9)

    def choose(probe, rent=0):
        for name, value in (("PROBE", probe), ("RENT", rent)):
            monkeypatch.setattr(search_filters, name, value)
    return choose


PATHS = pytest.mark.parametrize("probe, rent", [(0, 0), (1, 0), (10**6, 0), (1, 10**3)],
                                ids=["index-only", "short-walk-then-index", "walk-is-all", "sampled-walk"])


def _analyse(engine):
    """Planner statistics (the sample scales by pg_class.reltuples); SQLite has nothing to do."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE customer"))


@PATHS
@pytest.mark.parametrize("principal", [ADMIN, REP_A], ids=["admin", "rep"])
@pytest.mark.parametrize("word", ["logistics", "quux", "zyxwv"])
@pytest.mark.parametrize("sort", ["-created_at", "created_at", "name"])
def test_every_page_is_the_same_whichever_path_finds_it(engine, paths, probe, rent, principal, word,
                                                        sort):
    _analyse(engine)
    paths(probe, rent)
    pages = _pages(engine, principal, q=word.upper(), sort=sort, limit=3)
    assert [name for page in pages for name in page] == _expected(principal, word, sort)
    assert all(len(page) == 3 for page in pages[:-1])


@PATHS
@pytest.mark.parametrize("sort", ["-created_at", "name"])
def test_a_tag_and_a_word_together(engine, paths, probe, rent, sort):
    _analyse(engine)
    paths(probe, rent)
    pages = _pages(engine, ADMIN, q="logistics", tags_any=["VIP"], sort=sort, limit=1)
    wanted = [name for name in _expected(ADMIN, "logistics", sort) if int(name.split()[-1]) % 5 == 0]
    assert [name for page in pages for name in page] == wanted == (
        ["Acme Logistics 45", "Acme Logistics 30", "Acme Logistics 15"] if sort == "-created_at"
        else ["Acme Logistics 15", "Acme Logistics 30", "Acme Logistics 45"])


def _page_statements(engine, **query):
    statements = []
    listener = lambda *args: statements.append(args[2])   # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        with Session(engine) as session:
            search.list_customers(session, ADMIN, query)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return [s for s in statements if "FROM customer" in s and "customer_tag" not in s]


def test_postgresql_reads_a_bounded_prefix_for_a_common_word_and_the_index_for_a_rare_one(
        engine, monkeypatch, dialect):
    if dialect != "postgresql":
        pytest.skip("SQLite counts FTS5 hits instead (tests/unit/customers/test_search_paths.py)")
    monkeypatch.setattr(search_filters, "PROBE", 6)               # 18 rows for a page of 2 (+1)
    monkeypatch.setattr(search_filters, "RENT", 0)                # no sampled reach
    common = _page_statements(engine, q="logistics", limit=2)     # 57, 54, 51 of rows 59..42
    assert len(common) == 1 and "LIMIT" in common[0].split("FROM (", 1)[1]   # one bounded walk
    rare = _page_statements(engine, q="quux", limit=2)            # none of the 18: the index
    assert len(rare) == 2 and "FROM (" in rare[0] and "FROM (" not in rare[1]
    email = _page_statements(engine, q="c41@example.com", limit=2)   # exact lookup, no walk
    assert len(email) == 1 and "email_norm" in email[0]


def _add_newest(engine, count=30):
    """`count` customers newer than the 60, none holding "logistics" (as the full bench's
    write scenario's customers are the newest rows there)."""
    with engine.begin() as connection:
        connection.execute(insert(Customer.__table__), [
            _row(index, f"Bench Write {index}", REP_A.user_id) for index in range(60, 60 + count)])
    _analyse(engine)


@pytest.mark.parametrize("sort", ["-created_at", "name"])
@pytest.mark.parametrize("principal", [ADMIN, REP_A], ids=["admin", "rep"])
def test_a_word_absent_from_the_newest_rows_gives_the_same_pages_on_every_path(
        engine, paths, principal, sort):
    _add_newest(engine)
    paths(0, 0)                                                    # the reference: the index
    reference = _pages(engine, principal, q="logistics", sort=sort, limit=3)
    assert [name for page in reference for name in page] == _expected(principal, "logistics", sort)
    for probe, rent in ((1, 10**3), (1, 1), (10**6, 0)):
        paths(probe, rent)
        assert _pages(engine, principal, q="logistics", sort=sort, limit=3) == reference


def test_postgresql_walks_past_newest_rows_without_the_word_when_it_is_common(engine, paths, dialect):
    if dialect != "postgresql":
        pytest.skip("SQLite counts FTS5 hits instead (tests/unit/customers/test_search_paths.py)")
    _add_newest(engine)                 # 90 rows; "logistics" in 20 of the first 60, none after
    paths(1, 5)                         # reach 5 × ~20 expected = ~100 rows, past the 30 newest
    statements = _page_statements(engine, q="logistics", limit=2)
    assert len(statements) == 1 and "TABLESAMPLE" in statements[0]      # one walk, sample inside
    paths(1, 1)                         # ~20 rows: short of the 30 newest → the index answers
    statements = _page_statements(engine, q="logistics", limit=2)
    assert "FROM (" not in statements[-1] and "TABLESAMPLE" not in statements[-1]
    with Session(engine) as session:
        page = search.list_customers(session, ADMIN, {"q": "logistics", "limit": 2})
    assert [item["name"] for item in page["items"]] == ["Acme Logistics 57", "Acme Logistics 54"]


def test_postgresql_expects_a_word_s_matches_from_a_sample_once_the_table_is_analysed(
        engine, paths, dialect):
    if dialect != "postgresql":
        pytest.skip("the sample is PostgreSQL's (TABLESAMPLE); SQLite counts FTS5 hits")
    paths(1, 1)                                     # SAMPLE covers the whole small table

    def expected(session, q):
        return session.scalar(select(search_filters.expected_matches(search_filters.walk_terms(session, q))))
    with Session(engine) as session:
        unknown = expected(session, "logistics")
    _analyse(engine)
    with Session(engine) as session:
        assert expected(session, "LOGISTICS") == pytest.approx(20)
        assert expected(session, "zyxwv") == 0
    assert unknown == 0                             # no row count yet: sample nothing, ask the index


def _add_imported(engine, count=4):
    """`count` customers holding the word, inserted last (the highest rowids) but dated before
    every other row, as an import of old records would: rowid order is not created_at order."""
    rows = []
    for n in range(count):
        row = _row(100 + n, f"Old Logistics {n}", REP_A.user_id)
        stamp = START - timedelta(days=n + 1)
        rows.append({**row, "created_at": stamp, "updated_at": stamp})
    with engine.begin() as connection:
        connection.execute(insert(Customer.__table__), rows)
    return [row["name"] for row in rows]


@pytest.mark.parametrize("sort", ["-created_at", "created_at", "name"])
@pytest.mark.parametrize("principal", [ADMIN, REP_A], ids=["admin", "rep"])
def test_sqlite_s_common_word_walk_gives_the_index_s_pages_whatever_the_rowid_order(
        engine, monkeypatch, dialect, principal, sort):
    """SQLite walks a common word newest first testing the rows at or above its NEWEST-th
    newest FTS5 hit by membership, the rest by the exact test: every split gives the pages the
    FTS5 lookup gives, with rows without the word newest and rows with it at the highest
    rowids yet oldest."""
    if dialect != "sqlite":
        pytest.skip("FTS5's rowids: SQLite only")
    _add_newest(engine)
    imported = _add_imported(engine)
    names = _expected(principal, "logistics", sort) + imported             # created_at desc
    wanted = {"-created_at": names, "created_at": imported[::-1] + _expected(principal, "logistics", sort),
              "name": sorted(_expected(principal, "logistics", sort) + imported, key=normalize.text)}[sort]
    monkeypatch.setattr(search_filters, "DENSE", 10**9)                  # rare: the lookup
    reference = _pages(engine, principal, q="logistics", sort=sort, limit=3)
    assert [name for page in reference for name in page] == wanted
    monkeypatch.setattr(search_filters, "DENSE", 1)                      # common: the walk
    for newest in (1, 2, 3, 5, 10**6):                                   # 10**6: a plain walk
        monkeypatch.setattr(search_filters, "NEWEST", newest)
        assert _pages(engine, principal, q="logistics", sort=sort, limit=3) == reference, newest
        assert _pages(engine, principal, q="logistics", tags_any=["vip"], sort=sort, limit=1) == \
            [[name] for name in wanted if name.startswith("Acme") and int(name.split()[-1]) % 5 == 0]


def test_sqlite_s_newest_first_walk_drops_the_membership_when_the_newest_rows_are_below_it(
        engine, monkeypatch, dialect):
    """Rows holding the word inserted after the newest ones but dated before them (an import of
    old records, the bench's top-up after its writes): the newest rows sit below the NEWEST-th
    hit's rowid, the membership could pass none of them, so the page is the plain walk."""
    if dialect != "sqlite":
        pytest.skip("FTS5's rowids: SQLite only")
    _add_newest(engine)
    imported = _add_imported(engine)
    monkeypatch.setattr(search_filters, "DENSE", 1)
    monkeypatch.setattr(search_filters, "NEWEST", 2)
    page = _page_statements(engine, q="logistics", limit=2)[-1]
    assert "customer_fts.rowid >=" not in page and "customer.rowid <" not in page and "LIKE" in page
    monkeypatch.setattr(search_filters, "NEWEST", len(imported) + 1)    # the head above: kept
    assert "customer_fts.rowid >=" in _page_statements(engine, q="logistics", limit=2)[-1]


def _rowids_out_of_order(engine):
    """The state a row inserted out of creation order leaves (search_index.ORDER_TABLE), on the
    rows as they are: the newest-first page then walks."""
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE {search_index.ORDER_TABLE} SET in_order = 0"))


def test_sqlite_s_newest_first_walk_tests_its_newest_hits_by_membership(engine, monkeypatch, dialect):
    if dialect != "sqlite":
        pytest.skip("FTS5's rowids: SQLite only")
    _add_newest(engine)
    _rowids_out_of_order(engine)
    monkeypatch.setattr(search_filters, "DENSE", 1)
    monkeypatch.setattr(search_filters, "NEWEST", 2)
    page = _page_statements(engine, q="logistics", limit=2)[-1]
    assert "customer.rowid <" in page and "customer_fts.rowid >=" in page and "LIKE" in page
    assert "customer_fts.rowid >=" not in _page_statements(engine, q="logistics", sort="name",
                                                           limit=2)[-1]
    with Session(engine) as session:
        cursor = search.list_customers(session, ADMIN, {"q": "logistics", "limit": 1})["next_cursor"]
    assert "customer_fts.rowid >=" not in _page_statements(engine, q="logistics", cursor=cursor,
                                                           limit=2)[-1]    # a later page: as before
    with Session(engine) as session:
        items = search.list_customers(session, ADMIN, {"q": "logistics", "limit": 2})["items"]
    assert [item["name"] for item in items] == ["Acme Logistics 57", "Acme Logistics 54"]


@pytest.mark.parametrize("principal", [ADMIN, REP_A], ids=["admin", "rep"])
@pytest.mark.parametrize("word", ["logistics", "quux", "zyxwv"])
def test_sqlite_reads_a_newest_first_page_from_the_text_index_while_rowids_follow_creation(
        engine, monkeypatch, dialect, principal, word):
    """The service's own inserts keep customer's rowids in (created_at, id) order, so the
    newest customers holding a word are its FTS5 hits by rowid downwards: the first page is
    one statement that reads them so, joined to their rows (scope, merged, exact test) —
    no count of the hits, no walk past the 30 newest rows, which lack the word. Later pages
    (a cursor) and other sorts go as before; every page is the one the lookup gives."""
    if dialect != "sqlite":
        pytest.skip("FTS5's rowids: SQLite only")
    _add_newest(engine)
    statements = _page_statements(engine, q=word, limit=2)
    assert search_index.ORDER_TABLE in statements[0]                    # the state, then the page
    assert len(statements) == 2 and "JOIN customer_fts" in statements[1] \
        and "ORDER BY customer_fts.rowid DESC" in statements[1] and "LIKE" in statements[1]
    pages = _pages(engine, principal, q=word, limit=3)
    monkeypatch.setattr(search_filters, "DENSE", 10**9)                  # the lookup, sorted
    _rowids_out_of_order(engine)
    assert pages == _pages(engine, principal, q=word, limit=3)
    assert [name for page in pages for name in page] == _expected(principal, word, "-created_at")


def test_sqlite_s_first_page_from_the_text_index_keeps_a_tag_filter_on_the_walk(engine, dialect):
    if dialect != "sqlite":
        pytest.skip("FTS5's rowids: SQLite only")
    page = _page_statements(engine, q="logistics", tags_any=["vip"], limit=1)
    assert not any("JOIN customer_fts" in sql for sql in page)
