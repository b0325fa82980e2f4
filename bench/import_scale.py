"""Bulk import at scale (issue 15 §5): a CSV of ROWS customers uploaded through the real
gateway of a running system as one POST (streamed to customers part by part), then worked
through by customers' import runner; reports rows/s of the upload and of the processing, and
the peak RSS of the gateway and of customers, with the machine's load beside them, and the
CPU milliseconds per processed row of every service process, of the broker and of PostgreSQL
from the upload's end until every consumer's queue is empty again (who holds the cores while
customers works through the file), and the rows/s through the whole system over that time.

    PYTHONPATH=$PWD .venv/bin/python -m bench.import_scale                  # 1,000,000 rows, SQLite
    PYTHONPATH=$PWD .venv/bin/python -m bench.import_scale --rows 10000     # what `make bench` runs
    PYTHONPATH=$PWD .venv/bin/python -m bench.import_scale --database postgresql --rows 200000
    ... --process-seconds 300        # measure the processing for 5 minutes, not to the end
    ... --profile 30                 # py-spy on customers for 30 s while it processes
    ... --profile 30 --profile-process marketing,audit   # ... or on other service processes

The file is deterministic: every 997th row has a bad e-mail (failed), every 499th repeats an
earlier row's e-mail (duplicate), the rest are new customers spread over five regions. The
system has one active sales rep per region (created through identity's API, as bench/hop_cost.py
does), so every new row gets an owner round-robin and publishes customer_assigned after its
customer_created, as a real import does (before 2026-12-05's fourth session it had no reps, no
owners and no customer_assigned).

`make bench` (bench/run.py, the `import` group) calls `measure()` once per database with
`--import-rows` (default ROWS_IN_BENCH) rows, on a system of its own.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import databases, drain, hop_cost, procstat, profile  # noqa: E402
from bench.system import BenchSystem, Vhost  # noqa: E402

REGIONS = ("EU", "US", "APAC", "LATAM", "MEA")
UPLOAD_PIECE = 256 * 1024          # what the client hands the socket at a time
ROWS_IN_BENCH = 10_000             # `make bench`'s size: ~1-2 min a database here
# the job's progress, read this often: a 500-row batch takes ~1 s here, so the rows/s window
# of a 10,000-row job is ~20 s (2 s before 2026-12-05's sixth session: up to a tenth of it lost)
POLL_SECONDS = 0.5


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def write_csv(path, rows):
    """(bytes, expected failed, expected duplicates)."""
    failed = duplicates = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("name,email,phone,region,annual_revenue,currency,size\r\n")
        for n in range(1, rows + 1):
            if n % 997 == 0:
                email, failed = f"firm{n}-at-bench.example", failed + 1
            elif n % 499 == 0:
                # the earlier row's address; a bad one there (row 997 before 998) made no
                # customer, so this row is new, not a duplicate
                email = f"firm{n - 1}@bench.example"
                duplicates += (n - 1) % 997 != 0
            else:
                email = f"firm{n}@bench.example"
            out.write(f"Bench Firm {n:07d},{email},+49 30 {n:07d},{REGIONS[n % 5]},"
                      f"{n % 100000}.00,EUR,{n % 500}\r\n")
    return path.stat().st_size, failed, duplicates


def pieces(path):
    with open(path, "rb") as source:
        while piece := source.read(UPLOAD_PIECE):
            yield piece


def upload(admin, path):
    started = time.monotonic()
    response = admin.post("customers/imports", data=pieces(path), timeout=3600,
                          headers={"Content-Type": "text/csv"})
    seconds = time.monotonic() - started
    assert response.status_code == 202, f"{response.status_code}: {response.text[:2000]}"
    return response.json(), seconds


def process(admin, job_id, limit_seconds, on_first):
    """Poll until done (or `limit_seconds` after the runner's first row): rows/s over the
    window from the first processed row to the last poll. `on_first()` is called when the
    first processed row is seen."""
    first = None
    while True:
        job = admin.ok("GET", f"customers/imports/{job_id}")
        now = time.monotonic()
        if first is None and job["processed_rows"]:
            first = (now, job["processed_rows"])
            on_first()
        if job["status"] in ("done", "failed") or (
                first and limit_seconds and now - first[0] >= limit_seconds):
            break
        time.sleep(POLL_SECONDS)
    rows = job["processed_rows"] - (first[1] if first else 0)
    seconds = now - first[0] if first else 0
    return job, rows, seconds


def cores_held(usage, postgres_seconds):
    """The cores the measured processes and PostgreSQL's backends held over the window."""
    return sum(usage["cores"].values()) + (postgres_seconds or 0) / usage["wall_s"]


def cores_held_working(cpu, postgres_end, working_from):
    """The cores held from the first processed row seen (`working_from`: the CPU window's and
    PostgreSQL's readings then) to the consumers' last move (the CPU window's end and
    `postgres_end`'s seconds). Not from the upload's end, as the CPU per row is: the runner's
    timer starts the job up to IMPORT_POLL_SECONDS after the upload, an idle wait that made the
    ninth full run's SQLite import look as if it held 1.12 cores where it held ~1.6."""
    cpu_from, postgres_from = working_from
    working = cpu.between(cpu_from, cpu.end)
    postgres = None if postgres_end is None else postgres_end - postgres_from["seconds"]
    return cores_held(working, postgres)


def cpu_per_row(usage, postgres_seconds, rows):
    """{process: CPU ms per processed row}, heaviest first, from a CpuWindow's stop() and the
    PostgreSQL backends' CPU seconds over the same window (None on SQLite)."""
    wall = usage["wall_s"]
    split = {name: share * wall for name, share in usage["cores"].items()}
    if postgres_seconds is not None:
        split["postgres (its databases)"] = postgres_seconds
    split["others (rest of the machine)"] = max(
        0.0, usage["machine_cores"] * wall - sum(split.values()))
    if not rows:
        return {}
    return {name: round(seconds * 1000 / rows, 2)
            for name, seconds in sorted(split.items(), key=lambda item: -item[1])}


def cpu_table(per_row, wall, rows):
    """The split as a small text table: ms per row and cores (1.0 = one core busy)."""
    lines = [f"{'process':<30} {'CPU ms/row':>10} {'cores':>6}"]
    for name, ms in per_row.items():
        lines.append(f"{name:<30} {ms:>10.2f} {ms * rows / 1000 / wall if wall else 0:>6.2f}")
    lines.append(f"{'total (machine)':<30} {sum(per_row.values()):>10.2f}")
    return "\n".join(lines)


def report_checked(admin, job, expected):
    """The job's per-row report against the file: its counts, and the first page of its failed
    rows (the report of every row, `GET .../rows?status=failed`) naming the first bad row."""
    first_bad = 998 if expected["failed"] else None           # row 997 of the data, after the header
    page = admin.ok("GET", f"customers/imports/{job['id']}/rows", params={"status": "failed"})
    listed = [item["row"] for item in page["items"]]
    counts = {key: job[key] for key in expected}
    return {"expected": expected, "counts": counts,
            "first_failed_row": listed[0] if listed else None,
            "ok": counts == expected and (listed[:1] == [first_bad] if first_bad else not listed)}


def measure(rows=ROWS_IN_BENCH, database="sqlite", batch_rows=None, process_seconds=0,
            drain_seconds=600, profile_seconds=0, profile_process="customers", keep=False,
            log=log, autovacuum=0):
    """One import on a system of its own (own vhost, own databases, dropped after it): the
    figures `main` prints as JSON and `make bench` puts in results.json["<database>"]["import"]."""
    if batch_rows is None:
        batch_rows = int(os.environ.get("IMPORT_BATCH_ROWS", 500))
    workdir = Path(tempfile.mkdtemp(prefix=f"crm-import-{database}-"))
    csv_path = workdir / "customers.csv"
    size, failed, duplicates = write_csv(csv_path, rows)
    expected = {"created": rows - failed - duplicates, "duplicates": duplicates, "failed": failed}
    log(f"{rows} rows, {size / 2**20:.1f} MiB ({failed} bad e-mails, {duplicates} repeats)")
    amqp = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    vhost = Vhost(amqp, os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672")).create()
    dbs = databases.Databases(database, workdir)
    system = BenchSystem(workdir, vhost.uri, dbs)
    system.env.update({"IMPORT_BATCH_ROWS": str(batch_rows), "RPC_TIMEOUT_SECONDS": "60",
                       "IMPORT_MAX_ROWS": str(max(rows, 1_000_000))})
    results = {"rows": rows, "bytes": size, "database": database,
               "batch_rows": batch_rows, "loadavg_before": procstat.loadavg()}
    started = time.monotonic()
    # PostgreSQL: autovacuum's stand-in every `autovacuum` seconds (this machine's server runs
    # without it, and a grown table planned on an empty one's statistics is no production's)
    vacuum = databases.Autovacuum(dbs.created, autovacuum) \
        if autovacuum and database == "postgresql" else None
    try:
        if vacuum:
            vacuum.__enter__()
        # one active rep per region of the file: every row gets an owner by round-robin and
        # publishes customer_assigned after its customer_created, as a real import does
        admin = hop_cost.start(system, REGIONS)
        results["reps"] = len(REGIONS)
        log(f"{len(REGIONS)} active sales reps (one per region of the file): every new row is "
            "assigned round-robin (customer_created + customer_assigned)")
        pids = system.pids()
        watched = {name: pids[name] for name in ("gateway", "customers")}
        with procstat.RssSampler(watched) as rss:
            job, seconds = upload(admin, csv_path)
            results["upload"] = {"seconds": round(seconds, 1), "rows_per_s": round(rows / seconds),
                                 "mib_per_s": round(size / 2**20 / seconds, 2),
                                 "peak_rss_mb": {k: round(v) for k, v in rss.peak.items()},
                                 "loadavg": procstat.loadavg()}
            log(f"upload: {results['upload']}")
            spy = None
            if profile_seconds and profile.available():
                spied = profile_process.split(",")

                def spy():
                    results["spy"] = {}
                    for name in spied:
                        raw = workdir / f"{name}.pyspy"
                        results["spy"][name] = (profile.start(pids[name], profile_seconds, raw), raw)
            cpu = procstat.CpuWindow(hop_cost.measured_pids(system)).start()
            postgres = procstat.PostgresCpu(dbs.created).start() if database == "postgresql" else None
            at_start = admin.ok("GET", f"customers/imports/{job['id']}")["processed_rows"]
            working_from = []

            def first_row():
                working_from[:] = [cpu.read(), postgres.read() if postgres else None]
                if spy:
                    spy()
            job, window_rows, seconds = process(admin, job["id"], process_seconds, first_row)
            # the consumers lag behind the runner: the CPU window closes once they have caught up
            # (the events still queued when the job is done are the import's too)
            drained, usage, backends = drain.cpu_until_applied(
                cpu, postgres, (lambda on_move: system.wait_applied(vhost, drain_seconds, on_move,
                                                                    sources={"customers"}))
                if job["status"] == "done" else None)
            postgres = None if backends is None else backends["seconds"]
            # the CPU window opens at the upload's end, the rows/s window at the first processed
            # row: per row, count every row the job processed over the CPU window
            counted = job["processed_rows"] - at_start
            per_row = cpu_per_row(usage, postgres, counted)
            results["processing"] = {
                "status": job["status"], "processed_rows": job["processed_rows"],
                "created": job["created"], "duplicates": job["duplicates"], "failed": job["failed"],
                "window_rows": window_rows, "window_seconds": round(seconds, 1),
                "rows_per_s": round(window_rows / seconds) if seconds else None,
                "cores": {k: round(v, 2) for k, v in usage["cores"].items()},
                "drain_seconds": None if drained is None else round(drained, 1),
                # rows/s through the whole system: from the first processed row until every
                # consumer has applied what it was sent (bench/drain.py)
                "end_to_end_rows_per_s": round(window_rows / (seconds + drained))
                if drained is not None and seconds else None,
                "cpu_window_seconds": round(usage["wall_s"], 1),
                "cpu_rows": counted,           # the rows cpu_ms_per_row divides by
                "cpu_ms_per_row": per_row,
                # the system's processes (services, broker, PostgreSQL), not the rest of the
                # machine: CPU ms per row summed, and the cores they held over the window
                "cpu_ms_per_row_total": round(sum(
                    ms for name, ms in per_row.items() if not name.startswith("others")), 2),
                # over the whole CPU window, and while the job works (cores_held_working)
                "cores_held_since_upload": round(cores_held(usage, postgres), 2),
                "cores_held": round(cores_held_working(cpu, postgres, working_from), 2)
                if working_from else None,
                # PostgreSQL's processes of this run's databases (procstat.PostgresCpu): seen
                # over the window, and those that exited in it (each may lose up to 0.25 s)
                "postgres_processes": None if backends is None else
                {key: backends[key] for key in ("processes", "exited")},
                "other_cores": round(max(0.0, usage["other_cores"]
                                         - (postgres or 0) / usage["wall_s"]), 2),
                "loadavg": procstat.loadavg()}
            if job["status"] == "done":
                results["report"] = report_checked(admin, job, expected)
        results["peak_rss_mb"] = {k: round(v) for k, v in rss.peak.items()}
        log(f"processing: {results['processing']}")
        log("CPU per processed row over the processing window (the machine's broker serves "
            "other vhosts too), until the consumers' last move:\n"
            + cpu_table(per_row, usage["wall_s"], counted))
        if "spy" in results:
            results["profile"] = {}
            for name, (process_, raw) in results.pop("spy").items():
                process_.wait()
                if raw.exists():
                    results["profile"][name] = profile.summarize(raw, top=15)
    finally:
        if vacuum:
            vacuum.__exit__()
            results["autovacuum"] = {"interval_s": autovacuum, "runs": len(vacuum.runs),
                                     "seconds": round(sum(run[3] for run in vacuum.runs), 1),
                                     "tables": sorted({f"{run[0].rsplit('_', 1)[-1]}.{run[2]}"
                                                       for run in vacuum.runs})}
            log(f"autovacuum stand-in: {results['autovacuum']}")
        results.pop("spy", None)
        results["loadavg_after"] = procstat.loadavg()
        results["seconds"] = round(time.monotonic() - started, 1)
        system.stop()
        vhost.delete()
        dbs.drop()
        if keep:
            log(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.import_scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", choices=databases.KINDS, default="sqlite")
    parser.add_argument("--batch-rows", type=int, default=None,
                        help="rows per runner batch (default: $IMPORT_BATCH_ROWS or 500)")
    parser.add_argument("--process-seconds", type=float, default=0,
                        help="stop measuring the processing after this long (0: until done)")
    parser.add_argument("--drain-seconds", type=float, default=600,
                        help="after the job, wait at most this long for the consumers' queues")
    parser.add_argument("--profile", type=int, default=0, help="py-spy seconds on --profile-process")
    parser.add_argument("--profile-process", default="customers",
                        help="the processes py-spy samples, comma-separated service names "
                             "(reporting,audit...)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--autovacuum", type=float, default=0, metavar="SECONDS",
                        help="PostgreSQL: autovacuum's stand-in every SECONDS (databases."
                             "Autovacuum; this machine's server runs without autovacuum)")
    parser.add_argument("--output", help="also write the results here as JSON")
    args = parser.parse_args()
    results = measure(rows=args.rows, database=args.database, batch_rows=args.batch_rows,
                      process_seconds=args.process_seconds, drain_seconds=args.drain_seconds,
                      profile_seconds=args.profile, profile_process=args.profile_process,
                      keep=args.keep, autovacuum=args.autovacuum)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n")


if __name__ == "__main__":
    main()
