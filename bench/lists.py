"""The list/search shapes, their request paths, and an in-process look at their SQL.

Deep pages use cursors minted at random rows of the table (uniform over the whole list) with
the service's own functions (`search.cursor_scope`, `search.position_of`,
`pagination.encode_cursor`, same CURSOR_SECRET): the service checks them like any cursor it
issued, so a mismatch would show as 422s, not as fast wrong answers.
"""
import statistics
import time
from urllib.parse import urlencode

from sqlalchemy import event
from sqlalchemy.orm import Session

from bench import seed
from services.chassis import pagination
from services.chassis.validation import load
from services.customers import schemas
from services.customers.handlers import search

API = "/api/v1/customers"
PAGE = 25


def _scope_of(principal, query):
    filters = load(schemas.ListQuery(), dict(query))
    filters.pop("limit", None)
    filters.pop("cursor", None)
    return search.cursor_scope(principal, filters), filters["sort"]


def _cursor(principal, query, customer):
    scope, sort = _scope_of(principal, query)
    return pagination.encode_cursor(search.position_of(customer, sort), scope)


def shapes(principal, sample, owners):
    """{key: (title, [query dicts])}. `sample`: random customers (ORM objects)."""
    deep = sample[:200]
    emails = [customer.email for customer in sample[:200]]
    by_created = {"limit": PAGE}
    by_name = {"sort": "name", "limit": PAGE}
    region = {"region": "North", "limit": PAGE}
    return {
        "list_first": ("first page, newest first", [{"limit": PAGE}]),
        "list_region": ("filter region", [region]),
        "list_combo": ("filter region + stage + value class",
                       [{"region": "North", "lifecycle_stage": "customer", "value_class": "A",
                         "limit": PAGE}]),
        "list_owner": ("filter owner", [{"owner_id": owner, "limit": PAGE} for owner in owners]),
        "list_tag": ("filter tag", [{"tags_any": ["vip"], "limit": PAGE}]),
        "search_word": ("free text, common word", [{"q": "logistics", "limit": PAGE}]),
        "search_email": ("free text, one customer's email",
                         [{"q": email, "limit": PAGE} for email in emails]),
        "cursor_created": ("deep cursor page, newest first",
                           [dict(by_created, cursor=_cursor(principal, by_created, c)) for c in deep]),
        "cursor_name": ("deep cursor page, by name",
                        [dict(by_name, cursor=_cursor(principal, by_name, c)) for c in deep]),
        "cursor_region": ("filter region + deep cursor page",
                          [dict(region, cursor=_cursor(principal, region, c)) for c in deep]),
    }


def path_of(query):
    return f"{API}?{urlencode(query, doseq=True)}"


def write_paths(path, queries):
    path.write_text("\n".join(path_of(query) for query in queries) + "\n")
    return path


def explain(url, principal, query, repeat=5):
    """Run the service's own list_customers in-process on the bench's database: its
    median time (no RPC, no gateway) and the database's plan for each statement it ran."""
    engine = seed.engine_for(url)
    statements = []

    @event.listens_for(engine, "before_cursor_execute")
    def _capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    timings, cpu = [], []
    for _ in range(repeat):
        if timings and sum(timings) > 1000:        # slow shapes: a second or two is enough
            break
        statements.clear()
        with Session(engine) as session:
            started, cpu_started = time.perf_counter(), time.process_time()
            search.list_customers(session, principal, dict(query))
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
    event.remove(engine, "before_cursor_execute", _capture)
    plans = []
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        for statement, parameters in statements:
            rows = connection.exec_driver_sql(
                ("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, parameters)
            plans.append([row[-1] if sqlite else row[0] for row in rows])
    engine.dispose()
    return {"handler_ms": statistics.median(timings), "cpu_ms": statistics.median(cpu), "plans": plans,
            "statements": [" ".join(statement.split()) for statement, _ in statements]}


def timed(url, principal, title, queries):
    """One shape's figures: the median handler ms over a few of its queries (cursors, emails,
    owners), after one warm-up call so the cache is hot, with the first query's plans."""
    chosen = queries[:5]
    explain(url, principal, chosen[0], repeat=1)
    runs = [explain(url, principal, query) for query in chosen]
    return {"title": title, "handler_ms": statistics.median(run["handler_ms"] for run in runs),
            "cpu_ms": statistics.median(run["cpu_ms"] for run in runs),      # a loaded host's
            "plans": runs[0]["plans"], "statements": runs[0]["statements"]}
