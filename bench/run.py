"""`make bench`: start the system, load data, run every scenario, write bench/RESULTS.md.

    .venv/bin/python -m bench.run                 # the full run (~45 min on 2 cores)
    .venv/bin/python -m bench.run --quick         # a smoke run of the harness (~4 min)
    .venv/bin/python -m bench.run --only ceiling,read --no-profile

See bench/README.md for what each scenario measures.
"""
import argparse
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench import (databases, events, hotpaths, import_scale, lists, procstat,  # noqa: E402
                   profile, report, scenarios, seed)
from bench.system import BenchSystem, Vhost  # noqa: E402
from services.chassis.auth import Principal  # noqa: E402
from services.chassis.db import make_engine  # noqa: E402
from services.service_desk.directory.models import DeskCustomer  # noqa: E402
from tests.e2e.client import Api  # noqa: E402

GROUPS = ("ceiling", "hop", "read", "write", "monolith", "tickets", "list", "events", "profile",
          "import", "hotpaths")
ONCE = {"hotpaths"}         # run once per invocation on PostgreSQL, not per --database
OWN_SYSTEM = {"import"}     # per --database, on a system of its own (bench/import_scale.py)
# the import's limits, so that a slow machine costs at most ~4 min a database: the rows/s are
# those of the window measured, the drain is reported as not reached
IMPORT_PROCESS_LIMIT_S, IMPORT_DRAIN_LIMIT_S = 150, 60
STARTED = time.monotonic()


def log(message):
    print(f"[{time.monotonic() - STARTED:6.0f}s] {message}", flush=True)


def parse_args():
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="measured runs per scenario")
    parser.add_argument("--duration", type=float, default=10, help="seconds per run")
    parser.add_argument("--list-duration", type=float, default=6, help="seconds per list/search run")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds per scenario")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (HTTP scenarios)")
    parser.add_argument("--list-connections", type=int, default=8, help="wrk connections (list/search)")
    parser.add_argument("--sizes", default="10000,1000000", help="customer counts for list/search")
    # 60 s: a backlog of ~5,000 events at this machine's write rate — the 15 s before gave
    # ~1,300, applied in 0.6 s, too short a window for a sustained rate
    parser.add_argument("--drain-seconds", type=float, default=60,
                        help="seconds of writes piled up for the reporting drain test")
    parser.add_argument("--import-rows", type=int, default=import_scale.ROWS_IN_BENCH,
                        help="rows of the CSV the `import` group uploads as one job, per database")
    parser.add_argument("--only", default=",".join(GROUPS), help=f"subset of {','.join(GROUPS)}")
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy runs")
    parser.add_argument("--quick", action="store_true",
                        help="harness smoke test: 1 short run each, sizes 10000,50000")
    parser.add_argument("--database", default="sqlite,postgresql",
                        help="sqlite, postgresql or both (comma-separated): one whole run each, "
                             "reported side by side")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (databases, logs)")
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--json", default=str(ROOT / "bench" / "results.json"))
    args = parser.parse_args()
    if args.quick:
        args.runs, args.duration, args.list_duration, args.warmup = 1, 3, 3, 1
        args.drain_seconds = 5
        if args.import_rows == parser.get_default("import_rows"):
            args.import_rows = 2000
        if args.sizes == parser.get_default("sizes"):
            args.sizes = "10000,50000"
    args.sizes = [int(size) for size in args.sizes.split(",")]
    args.only = set(args.only.split(","))
    args.database = [kind for kind in args.database.split(",") if kind]
    unknown = set(args.database) - set(databases.KINDS)
    if unknown or not args.database:
        parser.error(f"--database: one or more of {', '.join(databases.KINDS)}")
    if args.no_profile:
        args.only.discard("profile")
    return args


def machine_notes():
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                  if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))

    def command(*argv):
        try:
            return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    dirty = command("git", "status", "--porcelain")
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": model, "cores": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(), "kernel": platform.release(),
        "sqlite": sqlite3.sqlite_version,
        "commit": (command("git", "rev-parse", "--short", "HEAD")
                   + (" (+ uncommitted changes)" if dirty else "")),
        "wrk": " ".join((command("wrk", "-v") or "wrk").split()[:2]),
        "loadavg_before": procstat.loadavg(),
    }


class Context:
    """Everything the steps share."""

    def __init__(self, args, system):
        self.args, self.system = args, system
        self.results = empty_results()
        self.paths = Path(system.workdir) / "paths"
        self.paths.mkdir(exist_ok=True)

    def bench(self):
        pids = self.system.pids()
        brokers = procstat.pids_named("beam.smp")
        if brokers:        # the machine's broker: other vhosts' traffic counts here too
            pids["rabbitmq"] = max(brokers, key=lambda pid: procstat.rss_mb(pid) or 0)
        return scenarios.Bench(pids=pids, log=log)

    def http(self, key, title, url, **options):
        options.setdefault("connections", self.args.connections)
        options.setdefault("duration", self.args.duration)
        return scenarios.Scenario(key=key, title=title, url=url, runs=self.args.runs,
                                  warmup=self.args.warmup, **options)

    def run(self, scenario, store=None, quiet=None):
        log(f"scenario {scenario.key}: {scenario.title}")
        result = scenarios.run(self.bench(), scenario, **({"quiet": quiet} if quiet else {}))
        (store if store is not None else self.results["scenarios"])[scenario.key] = result
        return result


# --- steps ------------------------------------------------------------------------------------

def prepare(ctx):
    system = ctx.system
    log(f"starting the system in {system.workdir}")
    system.start()
    system.start_reference()
    admin = Api(system.url).login(system.admin_email, system.admin_password)
    reps = []
    for region in seed.REP_REGIONS:          # round-robin assignment has someone to assign to
        reps.append(admin.create_user(role="sales_rep", region=region).user["id"])
    ctx.admin, ctx.reps = admin, reps
    ctx.principal = Principal(user_id=admin.user["id"], role="admin")
    ctx.auth = {"BENCH_TOKEN": admin.token}
    os.environ["CURSOR_SECRET"] = system.env["CURSOR_SECRET"]      # to mint cursors (lists.py)
    log(f"system ready: gateway {system.url}, reference {system.reference_url}, "
        f"reporting {'yes' if system.reporting else 'not available'}")
    time.sleep(5)
    ctx.results["memory"]["idle_start"] = procstat.snapshot_rss(ctx.bench().pids)


def seed_to(ctx, rows):
    customers_db = ctx.system.database("customers")
    have = seed.count(customers_db)
    if have < rows:
        log(f"seeding customers {have:,} -> {rows:,} (bulk INSERT into the customers database)")
        result = seed.top_up(customers_db, rows, ctx.reps, ctx.admin.user["id"],
                             progress=lambda message: log(message))
        ctx.results["seed"][str(rows)] = result
        log(f"seeded in {result['seconds']:.0f}s")
    ctx.sample = seed.sample(customers_db, 2000)
    ctx.size = rows


def reference(ctx):
    url = ctx.system.reference_url
    if "ceiling" in ctx.args.only:
        ctx.run(ctx.http("ceiling", "bare nameko @http hello", url + "/hello"))
    if "hop" in ctx.args.only:
        ctx.run(ctx.http("hop", "@http + one plain nameko RPC to an echo service", url + "/hop"))
        ctx.run(ctx.http("hop_unconfirmed", "the same hop, request published without confirms",
                         url + "/hop-unconfirmed"))


def read_paths(ctx, key="read"):
    paths = ctx.paths / f"{key}.txt"
    paths.write_text("".join(f"{lists.API}/{customer.id}\n" for customer in ctx.sample))
    return paths


def read(ctx, key="read"):
    paths = read_paths(ctx, key)
    ctx.run(ctx.http(key, f"GET /api/v1/customers/{{id}} at {ctx.size:,} customers",
                     ctx.system.url, script="paths.lua",
                     env={**ctx.auth, "BENCH_PATHS": str(paths)}))


def write_scenario(ctx):
    return ctx.http("write", "POST /api/v1/customers", ctx.system.url + "/api/v1/customers",
                    script="post_customer.lua",
                    env={**ctx.auth, "BENCH_REGIONS": ",".join(seed.REP_REGIONS)})


def write(ctx):
    result = ctx.run(write_scenario(ctx))
    system = ctx.system
    if system.reporting:
        events.wait_drained(system.database("reporting"))
        rows = []
        for run in result["runs"]:
            rows += events.events_between(system.database("customers"), system.database("reporting"),
                                          run["started_at"], run["ended_at"])
        ctx.results["events"] = {"freshness": events.freshness(rows)}
        log(f"freshness while writing: {ctx.results['events']['freshness']}")


def monolith(ctx):
    """The same GET and POST in one process (bench/monolith.py) on a copy of the customers
    database as it is now (seeded, the reps known): the baseline the microservice path is
    compared with."""
    copy = ctx.system.databases.copy("customers", "monolith")
    ctx.system.start_monolith(copy, ctx.admin.token)
    ctx.run(ctx.http("monolith_read", f"monolith: GET customer in one process at {ctx.size:,} "
                     "customers", ctx.system.monolith_url, script="paths.lua",
                     env={**ctx.auth, "BENCH_PATHS": str(ctx.paths / "read.txt")}))
    ctx.run(ctx.http("monolith_write", "monolith: POST customer in one process",
                     ctx.system.monolith_url + "/api/v1/customers", script="post_customer.lua",
                     env={**ctx.auth, "BENCH_REGIONS": ",".join(seed.REP_REGIONS)}))
    ctx.system.stop_service("bench_monolith")


def desk_customers(ctx, count=50, timeout=60.0):
    """Customers created through the API, once the service desk's directory copy knows them (a
    ticket is only taken for a customer the desk knows; seeded customers have no events)."""
    ids = [ctx.admin.create_customer(region=seed.REP_REGIONS[n % len(seed.REP_REGIONS)])["id"]
           for n in range(count)]
    engine = make_engine(ctx.system.database("service_desk"))
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as connection:
            known = connection.scalar(select(func.count()).select_from(DeskCustomer).where(
                DeskCustomer.known, DeskCustomer.id.in_(ids)))
        if known == len(ids):
            engine.dispose()
            return ids
        if time.monotonic() > deadline:
            raise RuntimeError(f"the service desk knows {known} of {len(ids)} new customers "
                               f"after {timeout:.0f} s")
        time.sleep(0.5)


def tickets(ctx):
    customers = ctx.paths / "desk-customers.txt"
    customers.write_text("".join(f"{id}\n" for id in desk_customers(ctx)))
    ctx.run(ctx.http("ticket_write", "POST /api/v1/service-desk/tickets",
                     ctx.system.url + "/api/v1/service-desk/tickets", script="post_ticket.lua",
                     env={**ctx.auth, "BENCH_CUSTOMERS": str(customers)}),
            quiet=("gateway", "customers", "identity", "reporting", "service_desk"))


def list_search(ctx):
    size = ctx.size
    for key, (title, queries) in lists.shapes(ctx.principal, ctx.sample, ctx.reps).items():
        paths = lists.write_paths(ctx.paths / f"{key}-{size}.txt", queries)
        scenario = ctx.http(f"{key}@{size}", f"{title} ({size:,} customers)", ctx.system.url,
                            script="paths.lua", env={**ctx.auth, "BENCH_PATHS": str(paths)},
                            connections=ctx.args.list_connections, duration=ctx.args.list_duration,
                            group="list")
        ctx.run(scenario, store=ctx.results["lists"].setdefault(key, {"title": title}))
        ctx.results["explain"].setdefault(key, {})[str(size)] = lists.explain(
            ctx.system.database("customers"), ctx.principal, queries[0])


def drain(ctx):
    """Stop reporting, pile up writes' events in its queues, start it: the rate it catches up."""
    system = ctx.system
    if not system.reporting:
        return
    log("events: stopping reporting, writing for a backlog")
    system.stop_service("reporting")
    before = events.applied_count(system.database("reporting"))
    scenario = write_scenario(ctx)
    figures = scenarios.wrk(ctx.bench(), scenario, ctx.args.drain_seconds)
    backlog_end = time.time()
    log(f"events: {figures['ok']} customers written; starting reporting")
    system.start_service("reporting")
    restarted = time.time()
    spy = None
    if "profile" in ctx.args.only and profile.available():
        system.wait_consuming("reporting", system.reporting_name)     # past imports and start-up
        raw = Path(system.workdir) / "drain-reporting.raw"
        spy = (profile.start(system.pids()["reporting"], 10, raw), raw)
    backlog = len(events.events_between(system.database("customers"), system.database("reporting"),
                                        figures["started_at"], backlog_end))
    applied = events.wait_drained(system.database("reporting"), quiet=5.0, limit=300.0,
                                  at_least=before + backlog)
    rows = events.events_between(system.database("customers"), system.database("reporting"),
                                 figures["started_at"], backlog_end)
    if spy:
        spy[0].wait(timeout=60)
        if spy[1].exists():
            ctx.results["profiles"]["drain:reporting"] = dict(
                profile.summarize(spy[1]), cores=None, rps=None)
    result = events.drain_rate(rows)
    result.update(written=figures["ok"], events=len(rows), inbox_total=applied,
                  caught_up_s=max((p for _, _, p in rows if p), default=restarted) - restarted)
    if not ctx.results["events"]:
        ctx.results["events"] = {}
    ctx.results["events"]["drain"] = result
    log(f"events: drain {result}")


def profiles(ctx):
    """py-spy on the busy services while a scenario runs (not during the measured runs)."""
    if not profile.available():
        ctx.results["notes"].append("py-spy not installed: no profiles")
        return
    targets = [("read", ["gateway", "customers"]),
               ("write", ["gateway", "customers"] + (["reporting"] if ctx.system.reporting else []))]
    worst = report.worst_list(ctx.results, ctx.args.sizes[-1])
    if worst:
        targets.append((worst, ["customers", "gateway"]))
    seconds = max(5, ctx.args.duration)
    for key, services in targets:
        if key == "read":
            scenario = ctx.http("read", "read (profiled)", ctx.system.url, script="paths.lua",
                                env={**ctx.auth, "BENCH_PATHS": str(ctx.paths / "read.txt")})
        elif key == "write":
            scenario = write_scenario(ctx)
        else:
            base, _, size = key.partition("@")
            scenario = ctx.http(key, "list (profiled)", ctx.system.url, script="paths.lua",
                                env={**ctx.auth, "BENCH_PATHS": str(ctx.paths / f"{base}-{size}.txt")},
                                connections=ctx.args.list_connections)
        log(f"profiling {', '.join(services)} during {key}")
        pids = ctx.system.pids()
        spies = {name: (profile.start(pids[name], seconds, Path(ctx.system.workdir) / f"{key}-{name}.raw"),
                        Path(ctx.system.workdir) / f"{key}-{name}.raw") for name in services if name in pids}
        time.sleep(0.5)
        figures = scenarios.wrk(ctx.bench(), scenario, seconds)
        for name, (process, output) in spies.items():
            process.wait(timeout=seconds + 30)
            if output.exists():
                summary = profile.summarize(output)
                summary["cores"] = figures["cpu"]["cores"].get(name)
                summary["rps"] = figures["rps"]
                ctx.results["profiles"][f"{key}:{name}"] = summary
            else:
                ctx.results["notes"].append(f"py-spy on {name} during {key}: {process.stdout.read()[-500:]}")


# --- main -------------------------------------------------------------------------------------

def bulk_import(args, kind):
    """The `import` group (issue 15 §5): bench/import_scale.py's `measure` on a system of its
    own (own vhost and databases of `kind`, five reps), after the main system has stopped; a
    failure is reported in its place and the run goes on."""
    log(f"import: {args.import_rows:,} rows as one job ({kind}, a system of its own)")
    try:
        return import_scale.measure(rows=args.import_rows, database=kind,
                                    process_seconds=IMPORT_PROCESS_LIMIT_S,
                                    drain_seconds=IMPORT_DRAIN_LIMIT_S, keep=args.keep, log=log)
    except Exception as error:          # the rest of the run's figures are still written
        log(f"import failed: {error}")
        return {"rows": args.import_rows, "database": kind,
                "error": f"{type(error).__name__}: {error}"}


def empty_results():
    return {"meta": machine_notes(), "settings": {}, "scenarios": {}, "lists": {}, "explain": {},
            "events": None, "memory": {}, "profiles": {}, "seed": {}, "notes": []}


def run_once(args, kind):
    """The whole sequence on one database kind, its own system, then the import on one of its
    own; returns its results."""
    settings = {key: (sorted(value) if isinstance(value, set) else value)
                for key, value in vars(args).items()}
    log(f"--- {kind} ---")
    if args.only - OWN_SYSTEM - ONCE:
        results = run_system(args, kind, settings)
    else:
        results = empty_results()
        results["settings"] = dict(settings, database=kind, reporting="not in this run")
    if "import" in args.only:
        results["import"] = bulk_import(args, kind)
        results["meta"]["total_minutes"] = round((time.monotonic() - STARTED) / 60, 1)
    return results


def run_system(args, kind, settings):
    """Every group but the import's and the hot paths' on one system of `kind`."""
    workdir = Path(tempfile.mkdtemp(prefix=f"crm-bench-{kind}-"))
    amqp = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    vhost = Vhost(amqp, os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672")).create()
    dbs = databases.Databases(kind, workdir)
    system = BenchSystem(workdir, vhost.uri, dbs)
    ctx = Context(args, system)
    ctx.results["settings"] = dict(settings)
    ctx.results["settings"].update(reporting=system.reporting or "not available", database=kind)
    ok = False
    try:
        sequence(ctx, args)
        ok = True
    finally:
        ctx.results["meta"]["loadavg_after"] = procstat.loadavg()
        ctx.results["meta"]["total_minutes"] = round((time.monotonic() - STARTED) / 60, 1)
        log("stopping the system")
        system.stop()
        vhost.delete()
        dbs.drop()
        if args.keep or not ok:
            log(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return ctx.results


def sequence(ctx, args):
    prepare(ctx)
    reference(ctx)
    seed_to(ctx, args.sizes[0])
    if "read" in args.only:
        read(ctx)
    if "write" in args.only:
        write(ctx)
    if "monolith" in args.only:
        if "read" not in args.only:
            read_paths(ctx)
        monolith(ctx)
    if "tickets" in args.only:
        tickets(ctx)
    if "list" in args.only:
        list_search(ctx)
    if "events" in args.only:
        drain(ctx)
    for size in args.sizes[1:]:
        if "list" in args.only or "read" in args.only:
            seed_to(ctx, size)
        if "read" in args.only and size == args.sizes[-1]:
            read(ctx, key=f"read@{size}")
        if "list" in args.only:
            list_search(ctx)
    if "profile" in args.only:
        profiles(ctx)
    scenarios.settle(ctx.bench(), ("gateway", "customers", "identity", "reporting"))
    time.sleep(5)
    ctx.results["memory"]["idle_end"] = procstat.snapshot_rss(ctx.bench().pids)


def exit_on_sigterm():
    """A `kill` (SIGTERM) ends the bench as Ctrl-C does, through the finally blocks that stop
    its system, delete its vhost and drop its databases: by default SIGTERM ends the process at
    once and leaves a dozen services, their databases and the vhost on the machine."""
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


def main():
    exit_on_sigterm()
    args = parse_args()
    per_database = bool(args.only - ONCE)
    for tool in ("wrk",) if args.only - ONCE - OWN_SYSTEM else ():
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is not installed; run bench/setup.sh (make bench does)")
    runs = {}
    try:
        for kind in args.database if per_database else ():
            runs[kind] = run_once(args, kind)
        if "hotpaths" in args.only:
            log("--- hot paths (PostgreSQL, once) ---")
            meta = machine_notes()
            runs["hotpaths"] = hotpaths.run(log, hotpaths.QUICK_SIZES if args.quick else hotpaths.SIZES)
            runs["hotpaths"]["meta"] = meta
    finally:
        Path(args.json).write_text(json.dumps(runs, indent=1, default=str))
    Path(args.output).write_text(report.render_all(runs))
    log(f"wrote {args.output} and {args.json}")


if __name__ == "__main__":
    main()
