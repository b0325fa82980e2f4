"""The customers list/search shapes timed in-process on PostgreSQL at 10k and 1M, with plans.

    python -m bench.pg_search seed                     # once: databases crm_pgsearch_{10k,1m}
    python -m bench.pg_search measure --label before   # the code checked out now
    python -m bench.pg_search measure --label after
    python -m bench.pg_search table                    # before/after side by side
    python -m bench.pg_search drop                     # drop the two databases

bench/list_plans.py's PostgreSQL sibling: the databases are made on the machine's server
(tests/postgres.py), migrated to head and filled with bench/seed.py's COPY seeder (the same
seed, so the 10k rows are the 1M table's first 10k). Each shape is the median of up to 5 calls
of the service's own `list_customers` (bench/lists.py `explain`: no RPC, no gateway) after one
warm-up call. Besides bench/lists.py's shapes, the free-text cases the common-word fix must not
make slow: a rare word, a word no row has, a phone number's digits, a mid-frequency phrase, and
the common word's second page (keyset cursor).
"""
import argparse
import json
import os
import statistics
from pathlib import Path

from bench import lists, seed
from bench.list_plans import ADMIN, OWNERS
from services.chassis.migrate import upgrade
from tests import postgres

OUT = Path(__file__).resolve().parent / "out"
SIZES = {"10k": 10_000, "1m": 1_000_000}


def url_of(size):
    return postgres.url(f"crm_pgsearch_{size}")


def seed_all(sizes):
    existing = {name for (name,) in _rows("SELECT datname FROM pg_database")}
    for size in sizes:
        if f"crm_pgsearch_{size}" not in existing:
            postgres.admin(f'CREATE DATABASE "crm_pgsearch_{size}"')
        upgrade("customers", url_of(size))
        print(size, seed.top_up(url_of(size), SIZES[size], OWNERS, ADMIN.user_id))


def _rows(sql):
    import psycopg2
    with psycopg2.connect(postgres.ADMIN_DSN) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def text_shapes(sample):
    """The free-text cases beside the common word, from the sample's own customers."""
    local_parts = [c.email.split("@")[0] for c in sample[:5]]       # e.g. "anna.123456": 1 row
    digits = [c.phone_norm[-7:] for c in sample[:5]]                # a phone's last 7 digits
    word = {"q": "logistics", "limit": lists.PAGE}
    return {
        "search_rare": ("free text, rare word (an email's local part)",
                        [{"q": part, "limit": lists.PAGE} for part in local_parts]),
        "search_absent": ("free text, word no row has", [{"q": "zyxwvq", "limit": lists.PAGE}]),
        "search_digits": ("free text, phone digits", [{"q": d, "limit": lists.PAGE} for d in digits]),
        "search_mid": ("free text, mid-frequency phrase (acme logistics)",
                       [{"q": "acme logistics", "limit": lists.PAGE}]),
        "search_word_p2": ("free text, common word, deep cursor",
                           [dict(word, cursor=lists._cursor(ADMIN, word, c)) for c in sample[:5]]),
        "search_word_region": ("free text, common word + region",
                               [dict(word, region="North")]),
    }


def measure(sizes, label):
    results = {}
    for size in sizes:
        url = url_of(size)
        sample = seed.sample(url, 50)
        shapes = {**lists.shapes(ADMIN, sample, OWNERS), **text_shapes(sample)}
        figures = {}
        for key, (title, queries) in shapes.items():
            chosen = queries[:5]
            lists.explain(url, ADMIN, chosen[0], repeat=1)                  # warm the cache
            runs = [lists.explain(url, ADMIN, query) for query in chosen]
            ms = statistics.median(run["handler_ms"] for run in runs)
            figures[key] = {"title": title, "handler_ms": ms, "plans": runs[0]["plans"],
                            "statements": runs[0]["statements"]}
            print(f"  {size} {key:18} {ms:8.1f} ms", flush=True)
        results[size] = figures
    OUT.mkdir(exist_ok=True)
    out = OUT / f"pg_search-{label}.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"wrote {out}")


def table():
    loaded = {label: json.loads((OUT / f"pg_search-{label}.json").read_text())
              for label in ("before", "after") if (OUT / f"pg_search-{label}.json").exists()}
    header = ["shape"] + [f"{label} {size}" for label in loaded for size in SIZES] \
        + [f"{label} 1M÷10k" for label in loaded]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    first = next(iter(loaded.values()))
    for key, figures in first["10k"].items():
        cells = [f"{loaded[label][size][key]['handler_ms']:,.1f} ms"
                 for label in loaded for size in SIZES]
        ratios = [f"{loaded[label]['1m'][key]['handler_ms'] / loaded[label]['10k'][key]['handler_ms']:.1f}×"
                  for label in loaded]
        print(f"| {figures['title']} | " + " | ".join(cells + ratios) + " |")


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.pg_search")
    parser.add_argument("action", choices=("seed", "measure", "table", "drop"))
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--label", default="after", choices=("before", "after"))
    args = parser.parse_args()
    os.environ.setdefault("CURSOR_SECRET", "bench-pg-search")      # minted and checked here
    if args.action == "seed":
        seed_all(args.sizes)
    elif args.action == "measure":
        measure(args.sizes, args.label)
    elif args.action == "table":
        table()
    else:
        postgres.admin(*(f'DROP DATABASE IF EXISTS "crm_pgsearch_{size}" WITH (FORCE)'
                         for size in args.sizes))


if __name__ == "__main__":
    main()
