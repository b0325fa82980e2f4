"""The customers list/search shapes timed in-process on PostgreSQL at 10k and 1M, with plans.

    python -m bench.pg_search seed                     # once: databases crm_pgsearch_{10k,1m}
    python -m bench.pg_search measure --label before   # the code checked out now
    python -m bench.pg_search measure --label after
    python -m bench.pg_search measure --only search_word search_mid   # some shapes only
    python -m bench.pg_search table                    # before/after side by side
    python -m bench.pg_search drop                     # drop the two databases

bench/list_plans.py's PostgreSQL sibling: the databases are made on the machine's server
(tests/postgres.py), migrated to head and filled with bench/seed.py's COPY seeder (the same
seed, so the 10k rows are the 1M table's first 10k). Each shape is the median of up to 5 calls
of the service's own `list_customers` (bench/lists.py `explain`: no RPC, no gateway) after one
warm-up call. Besides bench/lists.py's shapes, the free-text cases the common-word fix must not
make slow: a rare word, a word no row has, a phone number's digits, a mid-frequency phrase, and
the common word's second page (keyset cursor).

After the seeder's rows, `seed` adds FRESH customers dated after all of them, named like the
full bench's write scenario ("Bench Write N", bench/lua/post_customer.lua): in `make bench` they
are the newest rows and hold none of the seeder's words, so "logistics" — 1 row in 40 of the
rest — is absent from the first FRESH rows of the default order. The common-word shapes meet
that gap at both sizes; the sample behind cursors and emails leaves them out, so the other
shapes read the seeder's rows as before.
"""
import argparse
import json
import os
import random
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench import lists, seed
from bench.list_plans import ADMIN, OWNERS
from services.customers import normalize
from services.customers.models import Customer
from services.chassis.migrate import upgrade
from tests import postgres

OUT = Path(__file__).resolve().parent / "out"
SIZES = {"10k": 10_000, "1m": 1_000_000}
FRESH = 5_000               # ≈ the full bench's write-scenario customers, at either size
FRESH_NAME = "Bench Write"


def url_of(size):
    return postgres.url(f"crm_pgsearch_{size}")


def seed_all(sizes):
    existing = {name for (name,) in _rows("SELECT datname FROM pg_database")}
    for size in sizes:
        if f"crm_pgsearch_{size}" not in existing:
            postgres.admin(f'CREATE DATABASE "crm_pgsearch_{size}"')
        upgrade("customers", url_of(size))
        print(size, seed.top_up(url_of(size), SIZES[size], OWNERS, ADMIN.user_id))
        print(size, "fresh rows added:", add_fresh(url_of(size)))


def add_fresh(url, count=FRESH):
    """`count` customers newer than every row, shaped as the write scenario's (no seeded word
    in name, email or phone); none if they are there already (bench/list_plans.py's `text`
    uses it on SQLite)."""
    engine = seed.engine_for(url)
    with engine.begin() as connection:
        have = connection.scalar(select(func.count()).select_from(Customer).where(
            Customer.name_norm.startswith(normalize.text(FRESH_NAME))))
        newest = connection.scalar(select(func.max(Customer.created_at)))
        rng = random.Random("fresh")
        rows = [_fresh_row(n, rng, newest) for n in range(have, count)]
        if rows:
            seed._insert(connection, Customer.__table__, rows)
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("ANALYZE customer")
    engine.dispose()
    return len(rows)


def _fresh_row(n, rng, newest):
    row = seed.customer_row(n, rng, OWNERS, ADMIN.user_id, newest)
    name, email, phone = f"{FRESH_NAME} {n}", f"w-{n}@bench.example.com", f"+1 555 {n:07d}"
    stamp = newest + timedelta(seconds=n + 1)
    return {**row, "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "name": name,
            "name_norm": normalize.text(name), "email": email, "email_norm": normalize.email(email),
            "phone": phone, "phone_norm": normalize.digits(phone),
            "search_text": normalize.search_text(name, email, phone),
            "website": None, "created_at": stamp, "updated_at": stamp}


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
        "search_word": ("free text, common word, absent from the newest 5,000", [word]),
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


def measure(sizes, label, only=None):
    results = {}
    for size in sizes:
        url = url_of(size)
        sample = [customer for customer in seed.sample(url, 80)
                  if not customer.name.startswith(FRESH_NAME)][:50]
        shapes = {**lists.shapes(ADMIN, sample, OWNERS), **text_shapes(sample)}
        figures = {}
        for key, (title, queries) in shapes.items():
            if only and key not in only:
                continue
            figures[key] = lists.timed(url, ADMIN, title, queries)
            print(f"  {size} {key:18} {figures[key]['handler_ms']:8.1f} ms", flush=True)
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
    parser.add_argument("--only", nargs="+", help="shape keys to time (default: all)")
    args = parser.parse_args()
    os.environ.setdefault("CURSOR_SECRET", "bench-pg-search")      # minted and checked here
    if args.action == "seed":
        seed_all(args.sizes)
    elif args.action == "measure":
        measure(args.sizes, args.label, args.only)
    elif args.action == "table":
        table()
    else:
        postgres.admin(*(f'DROP DATABASE IF EXISTS "crm_pgsearch_{size}" WITH (FORCE)'
                         for size in args.sizes))


if __name__ == "__main__":
    main()
