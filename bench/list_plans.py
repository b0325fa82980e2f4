"""The customers list/search shapes timed in-process, with their query plans, at 10k and 1M.

    python -m bench.list_plans seed                    # once: bench/out/plans-{10k,1m}.db
    python -m bench.list_plans measure --label before  # on copies migrated to BASE_REVISION
    python -m bench.list_plans measure --label after   # on copies migrated to head
    python -m bench.list_plans table                   # before/after side by side
    python -m bench.list_plans text --label before     # the free-text shapes, the code checked out
    python -m bench.list_plans text --label after      # … and after a change: text-table compares
    python -m bench.list_plans text-ab --against main  # text_conditions of main vs the worktree,
                                                       # interleaved, process CPU ms (a busy host)
    python -m bench.list_plans text-ab --against main --url sqlite:////tmp/crm-bench-sqlite-…/customers.db
                                                       # … on another database (`bench.run --keep`'s)

`text` is bench/pg_search.py's case on SQLite: a copy at head with FRESH (13,000, the third full
run's count) "Bench Write N" customers dated after every seeded row, as the full bench's write
scenarios leave them, so the common word is absent from the newest rows at both sizes; then
bench/lists.py's shapes and pg_search's free-text ones (rare, absent, digits, mid, a cursor).
The copy is kept (plans-{size}-text.db) and reused while the seeded file is unchanged.

The seeded files are built at BASE_REVISION (the schema before the list indexes) with
bench/seed.py and never changed; every measurement runs on a copy migrated to the revision
under test, so "before" and "after" read the same rows. Timings: bench/lists.py's
`explain` (median of up to 5 calls of the service's own `list_customers`, no RPC), after
one warm-up call so the page cache is hot in both columns.
"""
import argparse
import json
import os
import shutil
import statistics
import time
from pathlib import Path

from alembic import command

from bench import lists, seed
from services.chassis.auth import Principal
from services.chassis.migrate import alembic_config, upgrade

OUT = Path(__file__).resolve().parent / "out"
SIZES = {"10k": 10_000, "1m": 1_000_000}
BASE_REVISION = "4a4608057710"           # customers' initial schema: the "before"
OWNERS = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(5)]
ADMIN = Principal(user_id="00000000-0000-4000-8000-0000000000aa", role="admin")


def seeded(size):
    return OUT / f"plans-{size}.db"


def seed_all(sizes):
    OUT.mkdir(exist_ok=True)
    for size in sizes:
        path = seeded(size)
        if not path.exists():
            command.upgrade(alembic_config("customers", f"sqlite:///{path}"), BASE_REVISION)
        result = seed.top_up(f"sqlite:///{path}", SIZES[size], OWNERS, ADMIN.user_id)
        print(f"{size}: {result}")


def working_copy(size, label):
    """A copy of the seeded file migrated to the revision under test ("before": the base)."""
    source, target = seeded(size), OUT / f"plans-{size}-{label}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    url = f"sqlite:///{target}"
    started = time.monotonic()
    if label == "before":
        command.upgrade(alembic_config("customers", url), BASE_REVISION)
    else:
        upgrade("customers", url)
    return url, time.monotonic() - started


def measure(sizes, label):
    results = {}
    for size in sizes:
        path, migrate_s = working_copy(size, label)     # its URL
        print(f"{size} {label}: migrated in {migrate_s:.1f}s")
        sample = seed.sample(path, 50)
        shapes = lists.shapes(ADMIN, sample, OWNERS)
        figures = {"migrate_s": migrate_s, "shapes": {}}
        for key, (title, queries) in shapes.items():
            shape = figures["shapes"][key] = lists.timed(path, ADMIN, title, queries)
            print(f"  {key:16} {shape['handler_ms']:10.1f} ms   {' | '.join(shape['plans'][0])}")
        results[size] = figures
    out = OUT / f"list_plans-{label}.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"wrote {out}")


FRESH = 13_000


def text_copy(size):
    """A copy of the seeded file at head with FRESH write-scenario customers on top (kept)."""
    from bench import pg_search                 # it imports this module's ADMIN and OWNERS
    target = OUT / f"plans-{size}-text.db"
    if not target.exists() or target.stat().st_mtime < seeded(size).stat().st_mtime:
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copyfile(seeded(size), target)
        upgrade("customers", f"sqlite:///{target}")
    url = f"sqlite:///{target}"
    print(f"{size}: fresh rows added: {pg_search.add_fresh(url, FRESH)}")
    return url


def measure_text(sizes, label, only=None):
    from bench import pg_search
    results = {}
    for size in sizes:
        url = text_copy(size)
        sample = [customer for customer in seed.sample(url, 80)
                  if not customer.name.startswith(pg_search.FRESH_NAME)][:50]
        shapes = {**lists.shapes(ADMIN, sample, OWNERS), **pg_search.text_shapes(sample)}
        results[size] = {}
        for key, (title, queries) in shapes.items():
            if only and key not in only:
                continue
            shape = results[size][key] = lists.timed(url, ADMIN, title, queries)
            print(f"  {size} {key:18} {shape['handler_ms']:8.1f} ms  cpu {shape['cpu_ms']:6.1f} ms",
                  flush=True)
    out = OUT / f"list_plans-text-{label}.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"wrote {out}")


def text_ab(sizes, against, only=None, rounds=15, url=None):
    """search_filters.text_conditions as of git revision `against` vs the code checked out,
    called in turns on the same text copies (or on the database at `url`, as it is), each
    shape's median and least process CPU ms: the two sides share every moment of a loaded
    host's noise. Each page's ids must agree."""
    import importlib.util
    import inspect
    import subprocess
    import tempfile

    from sqlalchemy.orm import Session

    from bench import pg_search
    from services.customers.handlers import search
    from services.customers.queries import search_filters
    source = subprocess.run(["git", "show", f"{against}:services/customers/queries/search_filters.py"],
                            check=True, capture_output=True, text=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py") as file:
        file.write(source)
        file.flush()
        spec = importlib.util.spec_from_file_location("search_filters_against", file.name)
        old = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(old)
    current = search_filters.text_conditions
    takes = set(inspect.signature(old.text_conditions).parameters)      # newest_first: since 944b75f
    sides = {against: lambda session, q, **options: old.text_conditions(
        session, q, **{name: value for name, value in options.items() if name in takes}),
        "checked out": current}
    try:
        for size in [url] if url else sizes:
            engine = seed.engine_for(url or text_copy(size))
            size = "db" if url else size
            sample = [customer for customer in seed.sample(str(engine.url), 80)
                      if not customer.name.startswith(pg_search.FRESH_NAME)][:50]
            shapes = {**lists.shapes(ADMIN, sample, OWNERS), **pg_search.text_shapes(sample)}
            for key, (_, queries) in shapes.items():
                if only and key not in only or not (only or key.startswith("search")):
                    continue
                cpu, pages = {side: [] for side in sides}, {}
                for _ in range(rounds):
                    for side, conditions in sides.items():
                        search_filters.text_conditions = conditions
                        for query in queries[:3]:
                            with Session(engine) as session:
                                started = time.process_time()
                                page = search.list_customers(session, ADMIN, dict(query))
                                cpu[side].append((time.process_time() - started) * 1000)
                            pages.setdefault((side, str(query)), [item["id"] for item in page["items"]])
                same = all(pages[(against, str(query))] == pages[("checked out", str(query))]
                           for query in queries[:3])
                print(f"{size:4} {key:20} " + "  ".join(
                    f"{side} {statistics.median(ms):6.2f} (least {min(ms):5.2f})" for side, ms in cpu.items())
                    + f" ms cpu, same pages: {same}", flush=True)
            engine.dispose()
    finally:
        search_filters.text_conditions = current


def text_table():
    loaded = {label: json.loads((OUT / f"list_plans-text-{label}.json").read_text())
              for label in ("before", "after") if (OUT / f"list_plans-text-{label}.json").exists()}
    header = ["shape"] + [f"{label} {size}" for label in loaded for size in SIZES] \
        + [f"{label} 1M÷10k (cpu)" for label in loaded]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    first = next(iter(loaded.values()))
    for key, figures in first["10k"].items():
        shapes = [loaded[label][size][key] for label in loaded for size in SIZES]
        cells = [f"{shape['handler_ms']:,.1f} ms (cpu {shape['cpu_ms']:,.1f})" for shape in shapes]
        ratios = [f"{loaded[label]['1m'][key]['cpu_ms'] / loaded[label]['10k'][key]['cpu_ms']:.1f}×"
                  for label in loaded]
        print(f"| {figures['title']} | " + " | ".join(cells + ratios) + " |")


def table():
    loaded = {label: json.loads((OUT / f"list_plans-{label}.json").read_text())
              for label in ("before", "after") if (OUT / f"list_plans-{label}.json").exists()}
    sizes = [size for size in SIZES if all(size in data for data in loaded.values())]
    header = ["shape"] + [f"{label} {size}" for size in sizes for label in loaded]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    keys = next(iter(loaded.values()))[sizes[0]]["shapes"]
    for key in keys:
        cells = [f"{loaded[label][size]['shapes'][key]['handler_ms']:,.1f} ms"
                 for size in sizes for label in loaded]
        print(f"| {keys[key]['title']} | " + " | ".join(cells) + " |")
    for label, data in loaded.items():
        for size in sizes:
            print(f"\n## plans, {label}, {size}")
            for key, figures in data[size]["shapes"].items():
                for plan in figures["plans"][:1]:
                    print(f"- {key}: " + " / ".join(plan))


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.list_plans")
    parser.add_argument("action", choices=("seed", "measure", "table", "text", "text-table", "text-ab"))
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--label", default="after", choices=("before", "after"))
    parser.add_argument("--only", nargs="+", help="text: shape keys to time (default: all)")
    parser.add_argument("--against", default="main", help="text-ab: the git revision compared")
    parser.add_argument("--url", help="text-ab: this database as it is instead of the text copies")
    args = parser.parse_args()
    os.environ.setdefault("CURSOR_SECRET", "bench-list-plans")   # minted and checked here
    if args.action == "seed":
        seed_all(args.sizes)
    elif args.action == "measure":
        measure(args.sizes, args.label)
    elif args.action == "text":
        measure_text(args.sizes, args.label, args.only)
    elif args.action == "text-ab":
        text_ab(args.sizes, args.against, args.only, url=args.url)
    elif args.action == "text-table":
        text_table()
    else:
        table()


if __name__ == "__main__":
    main()
