"""How list/search reach their rows: both strategies (walk the sort order / look up then
sort) give the same answers, the exact email path, short queries, the text index kept in
sync, and plans that never sort the whole table."""
import pytest
from sqlalchemy import event

from services.customers.handlers import customers, search, tags
from services.customers.queries import search_filters
from tests.unit.customers.support import ADMIN, REP_A, call, create


def names(db, **query):
    return {item["name"] for item in call(db, search.list_customers, ADMIN, query, write=False)["items"]}


@pytest.fixture
def shop(people):
    rows = [("Acme Logistics", "EU", "acme@x.example", "+49 30 1111111"),
            ("Bacme Freight", "EU", "bacme@x.example", None),
            ("北京科技有限公司", "APAC", None, "+86 10 5555 0000"),
            ("Zeta & Co.", "US", "z@x.example", "+1 555 0100")]
    ids = {name: create(people, REP_A, name=name, region=region, email=email, phone=phone)["id"]
           for name, region, email, phone in rows}
    call(people, tags.tag_customers, REP_A, [ids["Acme Logistics"], ids["Zeta & Co."]], ["vip"])
    call(people, tags.tag_customers, REP_A, [ids["Acme Logistics"]], ["partner"])
    people.ids = ids
    return people


@pytest.fixture(params=["lookup", "walk"])
def strategy(request, monkeypatch):
    """DENSE=1 makes every tag/word "common" (walk), a huge DENSE makes it "rare" (lookup)."""
    monkeypatch.setattr(search_filters, "DENSE", 1 if request.param == "walk" else 10**9)
    return request.param


@pytest.mark.parametrize("query, expected", [
    ({"tags_any": ["VIP"]}, {"Acme Logistics", "Zeta & Co."}),
    ({"tags_any": ["partner", "vip"], "region": "EU"}, {"Acme Logistics"}),
    ({"tags_all": ["vip", "partner"]}, {"Acme Logistics"}),
    ({"tags_all": ["vip", "nope"]}, set()),
    ({"q": "logist"}, {"Acme Logistics"}),
    ({"q": "ACME"}, {"Acme Logistics", "Bacme Freight"}),         # name and email substrings
    ({"q": "京科技"}, {"北京科技有限公司"}),                             # CJK through trigrams
    ({"q": "+1 (555) 0100"}, {"Zeta & Co."}),                       # phone digits
    ({"q": "5555 0000"}, {"北京科技有限公司"}),
    ({"q": 'ac"me'}, {"Acme Logistics", "Bacme Freight"}),           # quotes never reach MATCH
    ({"q": "acme", "tags_any": ["vip"]}, {"Acme Logistics"}),
])
def test_both_strategies_find_the_same_rows(shop, strategy, query, expected):
    assert names(shop, **query) == expected


def test_a_whole_email_address_is_an_exact_lookup(shop):
    # "acme@x.example" is also a substring of bacme@x.example: the address means one customer.
    assert names(shop, q="ACME@x.example") == {"Acme Logistics"}
    assert names(shop, q="cme@x") == {"Acme Logistics", "Bacme Freight"}   # not whole: substring
    assert names(shop, q="nobody@x.example") == set()


@pytest.mark.parametrize("q, expected", [("北京", {"北京科技有限公司"}), ("科", {"北京科技有限公司"}),
                                         ("ze", {"Zeta & Co."}), ("q", set())])
def test_queries_shorter_than_a_trigram_still_match_substrings(shop, q, expected):
    statements = _statements(shop, lambda: names(shop, q=q))
    assert names(shop, q=q) == expected
    assert not any("customer_fts" in sql for sql, _ in statements)      # no index can serve them


def test_the_text_index_follows_updates(shop, monkeypatch):
    monkeypatch.setattr(search_filters, "DENSE", 10**9)                  # always through the index
    call(shop, customers.update_customer, REP_A, shop.ids["Bacme Freight"], {"name": "Quux Rail"})
    assert names(shop, q="freight") == set()
    assert names(shop, q="quux") == {"Quux Rail"}


def _statements(db, action):
    statements = []
    listener = lambda *args: statements.append((args[2], args[3]))   # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return statements


def _page_plan(db, **query):
    """SQLite's plan of the page statement list_customers ran for `query`."""
    statements = _statements(db, lambda: names(db, **query))
    sql, parameters = next((s, p) for s, p in statements if s.lstrip().startswith("SELECT customer.id"))
    with db.engine.connect() as connection:
        return [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters)]


@pytest.mark.parametrize("query", [
    {}, {"sort": "name"}, {"sort": "-created_at"}, {"region": "EU"}, {"region": "EU", "sort": "name"},
    {"owner_id": "u-rep-a"}, {"lifecycle_stage": "lead", "sort": "name"}, {"value_class": "A"},
    {"tags_any": ["vip"]}, {"q": "acme"}, {"q": "北京"}])
def test_pages_walk_an_index_in_order_instead_of_sorting_the_table(shop, monkeypatch, query):
    monkeypatch.setattr(search_filters, "DENSE", 1)                      # common tag/word: a walk
    plan = _page_plan(shop, limit=2, **query)
    assert not any("TEMP B-TREE" in step for step in plan), plan
    assert not any("merged_into" in step for step in plan), plan


def test_a_deep_cursor_seeks_instead_of_walking_from_the_start(shop):
    first = call(shop, search.list_customers, ADMIN, {"limit": 1}, write=False)
    statements = _statements(shop, lambda: call(shop, search.list_customers, ADMIN,
                                                {"limit": 1, "cursor": first["next_cursor"]}, write=False))
    sql, parameters = next((s, p) for s, p in statements if s.lstrip().startswith("SELECT customer.id"))
    with shop.engine.connect() as connection:
        plan = [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters)]
    assert any("SEARCH customer USING INDEX ix_customer_created_sort (created_at<?)" in s for s in plan), plan


def test_a_rare_tag_in_another_order_is_looked_up_then_sorted(shop):
    plan = _page_plan(shop, limit=2, tags_any=["partner"], sort="name")   # under DENSE
    # either tag index serves the lookup (tag_id leads both)
    assert any("customer_tag USING" in step and "(tag_id=?)" in step for step in plan), plan
    assert not any("ix_customer_name_sort" in step for step in plan), plan


@pytest.mark.parametrize("strategy_dense", [1, 10**9], ids=["common", "rare"])
@pytest.mark.parametrize("query", [{"tags_any": ["vip"]}, {"tags_all": ["vip", "partner"]},
                                   {"tags_any": ["vip"], "sort": "created_at"}])
def test_a_tag_page_in_created_order_is_one_range_of_the_tag_index(shop, monkeypatch,
                                                                    strategy_dense, query):
    """Common or rare, the default order with a tag reads (tag, created_at, id) from the
    tag's first entry on and joins each customer: no count, no sort, no walk of the table."""
    monkeypatch.setattr(search_filters, "DENSE", strategy_dense)
    plan = _page_plan(shop, limit=2, **query)
    assert "ix_customer_tag_created_sort" in plan[0], plan
    assert not any("TEMP B-TREE" in step or "ix_customer_created_sort" in step for step in plan), plan


def test_a_tag_page_cursor_seeks_in_the_tag_range(shop):
    first = call(shop, search.list_customers, ADMIN, {"limit": 1, "tags_any": ["vip"]}, write=False)
    rest = call(shop, search.list_customers, ADMIN, {"limit": 1, "tags_any": ["vip"],
                                                     "cursor": first["next_cursor"]}, write=False)
    ids = [first["items"][0]["id"], rest["items"][0]["id"]]
    assert set(ids) == {shop.ids["Acme Logistics"], shop.ids["Zeta & Co."]}
    assert ids[0] == shop.ids["Zeta & Co."] and rest["next_cursor"] is None     # newest first
