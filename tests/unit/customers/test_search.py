"""Filters, free text, sorting and keyset pagination of list_customers."""
import pytest
from sqlalchemy import event

from services.chassis import pagination
from services.chassis.errors import Invalid
from services.customers.handlers import search, tags
from tests.unit.customers.support import ADMIN, REP_A, call, create


def listing(db, principal=ADMIN, **query):
    return call(db, search.list_customers, principal, query, write=False)


def names(db, principal=ADMIN, **query):
    return [item["name"] for item in listing(db, principal, **query)["items"]]


def walk(db, principal=ADMIN, **query):
    """Every page until next_cursor is null."""
    seen, cursor = [], None
    while True:
        page = listing(db, principal, **query, **({"cursor": cursor} if cursor else {}))
        seen += [item["name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


@pytest.fixture
def catalogue(people):
    rows = [("Acme", "EU", "A", "customer", "300.00", "+49 30 1111111", "acme@x.example"),
            ("Борис и сыновья", "EU", "B", "lead", None, None, "boris@x.example"),
            ("北京科技有限公司", "APAC", "A", "prospect", "1000000.00", "+86 10 5555 0000", None),
            ("株式会社トヨタ", "APAC", "C", "customer", "0.50", None, None),
            ("Zeta & Co.", "US", None, "churned", "300.00", "+1 555 0100", "z@x.example")]
    created = {}
    for name, region, value_class, stage, revenue, phone, email in rows:
        created[name] = create(people, REP_A, name=name, region=region, value_class=value_class,
                               lifecycle_stage=stage, annual_revenue=revenue,
                               currency="EUR" if revenue else None, phone=phone, email=email)["id"]
    call(people, tags.tag_customers, REP_A, [created["Acme"], created["北京科技有限公司"]],
         ["VIP", "Partner"])
    call(people, tags.tag_customers, REP_A, [created["Zeta & Co."]], ["vip"])
    return people


@pytest.mark.parametrize("query, expected", [
    ({"region": "APAC"}, {"北京科技有限公司", "株式会社トヨタ"}),
    ({"value_class": "A"}, {"Acme", "北京科技有限公司"}),
    ({"lifecycle_stage": "customer", "region": "EU"}, {"Acme"}),
    ({"owner_id": "u-rep-a"},
     {"Acme", "Борис и сыновья", "北京科技有限公司", "株式会社トヨタ", "Zeta & Co."}),
    ({"tags_any": ["vip"]}, {"Acme", "北京科技有限公司", "Zeta & Co."}),
    ({"tags_all": ["VIP", "partner"]}, {"Acme", "北京科技有限公司"}),
    ({"tags_all": ["vip", "unknown"]}, set()),
    ({"tags_any": ["partner"], "region": "EU"}, {"Acme"}),
    ({"q": "科技"}, {"北京科技有限公司"}),
    ({"q": "トヨタ"}, {"株式会社トヨタ"}),
    ({"q": "ﾄﾖﾀ"}, {"株式会社トヨタ"}),                       # half-width kana query
    ({"q": "борис"}, {"Борис и сыновья"}),
    ({"q": "zeta co"}, {"Zeta & Co."}),
    ({"q": "BORIS@X"}, {"Борис и сыновья"}),
    ({"q": "+1 (555) 0100"}, {"Zeta & Co."}),
    ({"q": "5555 0000"}, {"北京科技有限公司"}),
    ({"q": "0100%"}, {"Zeta & Co."}),                  # punctuation never reaches LIKE
    ({"q": "%"}, set()),
    ({"q": "_"}, set()),
])
def test_filters_and_free_text(catalogue, query, expected):
    assert set(names(catalogue, **query)) == expected


@pytest.mark.parametrize("sort, expected", [
    ("name", ["Acme", "Zeta & Co.", "Борис и сыновья", "北京科技有限公司", "株式会社トヨタ"]),
    ("-name", ["株式会社トヨタ", "北京科技有限公司", "Борис и сыновья", "Zeta & Co.", "Acme"]),
    ("created_at", ["Acme", "Борис и сыновья", "北京科技有限公司", "株式会社トヨタ", "Zeta & Co."]),
    ("-created_at", ["Zeta & Co.", "株式会社トヨタ", "北京科技有限公司", "Борис и сыновья", "Acme"]),
])
def test_sorting_and_paging_agree(catalogue, sort, expected):
    assert names(catalogue, sort=sort) == expected
    assert walk(catalogue, sort=sort, limit=2) == expected


def test_revenue_sorts_with_ties_by_id_and_missing_amounts_last(catalogue):
    ascending = walk(catalogue, sort="annual_revenue", limit=1)
    assert ascending[0] == "株式会社トヨタ" and ascending[-1] == "Борис и сыновья"
    assert ascending[3] == "北京科技有限公司" and set(ascending[1:3]) == {"Acme", "Zeta & Co."}
    descending = walk(catalogue, sort="-annual_revenue", limit=2)
    assert descending[0] == "北京科技有限公司" and descending[-1] == "Борис и сыновья"
    assert descending[1:3] == ascending[1:3][::-1]


def test_paging_is_keyset_and_never_counts(catalogue):
    statements = []
    engine = catalogue.engine
    listener = lambda *args: statements.append(args[2])   # noqa: E731 (statement text)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        first = listing(catalogue, limit=2)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(first["items"]) == 2 and first["next_cursor"]
    assert not any("count(" in sql.lower() for sql in statements)


def test_a_cursor_is_bound_to_its_query_and_caller(catalogue):
    cursor = listing(catalogue, limit=1, region="EU")["next_cursor"]
    assert names(catalogue, limit=1, region="EU", cursor=cursor) == ["Acme"]   # newest first
    for other in ({"region": "US"}, {"region": "EU", "sort": "name"}):
        with pytest.raises(Invalid):
            listing(catalogue, limit=1, cursor=cursor, **other)
    with pytest.raises(Invalid):
        listing(catalogue, REP_A, limit=1, region="EU", cursor=cursor)


@pytest.mark.parametrize("cursor", ["", "garbage", "A" * 300])
def test_a_forged_cursor_is_invalid(catalogue, cursor):
    with pytest.raises(Invalid) as error:
        listing(catalogue, cursor=cursor or "x")
    assert "cursor" in error.value.details


def test_a_re_signed_cursor_with_a_different_scope_is_invalid(catalogue):
    forged = pagination.encode_cursor(["x", "y"], "customers:someone-else")
    with pytest.raises(Invalid):
        listing(catalogue, cursor=forged)


def test_an_expired_cursor_is_invalid(catalogue, monkeypatch):
    cursor = listing(catalogue, limit=1)["next_cursor"]
    monkeypatch.setenv("CURSOR_TTL_SECONDS", "-1")
    with pytest.raises(Invalid) as error:
        listing(catalogue, limit=1, cursor=cursor)
    assert "expired" in error.value.details["cursor"][0]


@pytest.mark.parametrize("limit", [0, -1, 101, 10**9, "25", 2.5, True])
def test_page_size_outside_1_to_100_is_invalid(catalogue, limit):
    with pytest.raises(Invalid) as error:
        listing(catalogue, limit=limit)
    assert "limit" in error.value.details


@pytest.mark.parametrize("query", [{"sort": "owner"}, {"value_class": "Z"}, {"tags_any": "vip"},
                                   {"unknown": 1}, {"q": "x" * 201}])
def test_bad_queries_are_invalid(catalogue, query):
    with pytest.raises(Invalid):
        listing(catalogue, **query)
