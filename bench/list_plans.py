"""The customers list/search shapes timed in-process, with their query plans, at 10k and 1M.

    python -m bench.list_plans seed                    # once: bench/out/plans-{10k,1m}.db
    python -m bench.list_plans measure --label before  # on copies migrated to BASE_REVISION
    python -m bench.list_plans measure --label after   # on copies migrated to head
    python -m bench.list_plans table                   # before/after side by side

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
    parser.add_argument("action", choices=("seed", "measure", "table"))
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--label", default="after", choices=("before", "after"))
    args = parser.parse_args()
    os.environ.setdefault("CURSOR_SECRET", "bench-list-plans")   # minted and checked here
    if args.action == "seed":
        seed_all(args.sizes)
    elif args.action == "measure":
        measure(args.sizes, args.label)
    else:
        table()


if __name__ == "__main__":
    main()
