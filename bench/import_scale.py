"""Bulk import at scale (issue 15 §5): a CSV of ROWS customers uploaded through the real
gateway of a running system as one POST (streamed to customers part by part), then worked
through by customers' import runner; reports rows/s of the upload and of the processing, and
the peak RSS of the gateway and of customers, with the machine's load beside them.

    PYTHONPATH=$PWD .venv/bin/python -m bench.import_scale                  # 1,000,000 rows, SQLite
    PYTHONPATH=$PWD .venv/bin/python -m bench.import_scale --database postgresql --rows 200000
    ... --process-seconds 300        # measure the processing for 5 minutes, not to the end
    ... --profile 30                 # py-spy on customers for 30 s while it processes

The file is deterministic: every 997th row has a bad e-mail (failed), every 499th repeats an
earlier row's e-mail (duplicate), the rest are new customers spread over five regions.
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

from bench import databases, procstat, profile  # noqa: E402
from bench.system import BenchSystem, Vhost  # noqa: E402
from tests.e2e.client import Api  # noqa: E402

REGIONS = ("EU", "US", "APAC", "LATAM", "MEA")
UPLOAD_PIECE = 256 * 1024          # what the client hands the socket at a time


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
                email, duplicates = f"firm{n - 1}@bench.example", duplicates + 1
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


def process(admin, job_id, limit_seconds, spy):
    """Poll until done (or `limit_seconds` after the runner's first row): rows/s over the
    window from the first processed row to the last poll."""
    first = None
    while True:
        job = admin.ok("GET", f"customers/imports/{job_id}")
        now = time.monotonic()
        if first is None and job["processed_rows"]:
            first = (now, job["processed_rows"])
            if spy:
                spy()
        if job["status"] in ("done", "failed") or (
                first and limit_seconds and now - first[0] >= limit_seconds):
            break
        time.sleep(2)
    rows = job["processed_rows"] - (first[1] if first else 0)
    seconds = now - first[0] if first else 0
    return job, rows, seconds


def run(args):
    workdir = Path(tempfile.mkdtemp(prefix=f"crm-import-{args.database}-"))
    csv_path = workdir / "customers.csv"
    size, failed, duplicates = write_csv(csv_path, args.rows)
    log(f"{args.rows} rows, {size / 2**20:.1f} MiB ({failed} bad e-mails, {duplicates} repeats)")
    amqp = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    vhost = Vhost(amqp, os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672")).create()
    dbs = databases.Databases(args.database, workdir)
    system = BenchSystem(workdir, vhost.uri, dbs)
    system.env.update({"IMPORT_BATCH_ROWS": str(args.batch_rows), "RPC_TIMEOUT_SECONDS": "60",
                       "IMPORT_MAX_ROWS": str(max(args.rows, 1_000_000))})
    results = {"rows": args.rows, "bytes": size, "database": args.database,
               "batch_rows": args.batch_rows, "loadavg_before": procstat.loadavg()}
    try:
        system.start()
        admin = Api(system.url).login(system.admin_email, system.admin_password)
        pids = system.pids()
        watched = {name: pids[name] for name in ("gateway", "customers")}
        with procstat.RssSampler(watched) as rss:
            job, seconds = upload(admin, csv_path)
            results["upload"] = {"seconds": round(seconds, 1), "rows_per_s": round(args.rows / seconds),
                                 "mib_per_s": round(size / 2**20 / seconds, 2),
                                 "peak_rss_mb": {k: round(v) for k, v in rss.peak.items()},
                                 "loadavg": procstat.loadavg()}
            log(f"upload: {results['upload']}")
            spy = None
            if args.profile and profile.available():
                raw = workdir / "customers.pyspy"

                def spy():
                    results["spy"] = (profile.start(pids["customers"], args.profile, raw), raw)
            cpu = procstat.CpuWindow(watched).start()
            job, rows, seconds = process(admin, job["id"], args.process_seconds, spy)
            results["processing"] = {
                "status": job["status"], "processed_rows": job["processed_rows"],
                "created": job["created"], "duplicates": job["duplicates"], "failed": job["failed"],
                "window_rows": rows, "window_seconds": round(seconds, 1),
                "rows_per_s": round(rows / seconds) if seconds else None,
                "cores": {k: round(v, 2) for k, v in cpu.stop()["cores"].items()},
                "loadavg": procstat.loadavg()}
        results["peak_rss_mb"] = {k: round(v) for k, v in rss.peak.items()}
        log(f"processing: {results['processing']}")
        if "spy" in results:
            process_, raw = results.pop("spy")
            process_.wait()
            if raw.exists():
                results["profile"] = profile.summarize(raw)
    finally:
        results.pop("spy", None)
        results["loadavg_after"] = procstat.loadavg()
        system.stop()
        vhost.delete()
        dbs.drop()
        if args.keep:
            log(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.import_scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", choices=databases.KINDS, default="sqlite")
    parser.add_argument("--batch-rows", type=int, default=int(os.environ.get("IMPORT_BATCH_ROWS", 500)))
    parser.add_argument("--process-seconds", type=float, default=0,
                        help="stop measuring the processing after this long (0: until done)")
    parser.add_argument("--profile", type=int, default=0, help="py-spy seconds on customers")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--output", help="also write the results here as JSON")
    args = parser.parse_args()
    results = run(args)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n")


if __name__ == "__main__":
    main()
