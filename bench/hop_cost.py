"""CPU seconds per request of the gateway and customers processes, for reads and writes.

    .venv/bin/python -m bench.hop_cost [--requests 600] [--concurrency 8] [--region-without-reps]

Wall-clock req/s on this shared 2-core machine moves with whatever the other engineers run;
the CPU a process spends per request does not (much): it is read from /proc/<pid>/stat before
and after N requests (bench/procstat.py). req/s is printed too, for reference only.

Starts the system as `make bench` does (bench/system.py: own vhost, SQLite or --database
postgresql, production timers;
reporting too, as the gateway's readiness needs it), creates one sales rep per bench region, then:
- write: N `POST /api/v1/customers` (unique names/emails, regions with reps: round robin);
- read: N `GET /api/v1/customers/{id}` over the customers just created.
`--region-without-reps` also times N creates in a region nobody covers (the identity catch-up
path of CustomersService._refresh_users_if_stale). `--idempotency-keys` also times N creates
each with its own `Idempotency-Key` (its first answer recorded: services/chassis/idempotency.py).
`--profile customers` (or gateway) runs py-spy on that process during one more write and read
round and prints where its time goes.
"""
import argparse
import itertools
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import databases, procstat, profile, seed  # noqa: E402
from bench.system import BenchSystem, Vhost  # noqa: E402
from tests.e2e import system as e2e  # noqa: E402
from tests.e2e.client import Api  # noqa: E402

MEASURED = ("gateway", "customers", "identity")


def drive(url, token, make_request, count, concurrency):
    """`count` requests over `concurrency` keep-alive connections; returns (seconds, statuses)."""
    counter = itertools.count()
    statuses, lock = {}, threading.Lock()

    def worker():
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        while (n := next(counter)) < count:
            method, path, body, *headers = make_request(n)
            response = session.request(method, url + path, json=body, timeout=30,
                                       headers=headers[0] if headers else None)
            with lock:
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code in (200, 201):
                    results.append(response.json())

    results = []
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, statuses, results


def measured_pids(system, processes=None):
    """{name: pid} of `processes` (replicas included: `customers.2`; None: every process of the
    system), "rabbitmq" the broker's (the pid its management API reports, else the largest
    beam.smp; other vhosts' traffic counts there too)."""
    pids = {name: pid for name, pid in system.pids().items()
            if processes is None or e2e.service_of(name) in processes}
    if processes is None or "rabbitmq" in processes:
        broker = system.broker_pid()
        brokers = [broker] if broker else procstat.pids_named("beam.smp")
        if brokers:
            pids["rabbitmq"] = max(brokers, key=lambda pid: procstat.rss_mb(pid) or 0)
    return pids


def measure(label, system, token, make_request, count, concurrency, with_figures=False,
            processes=MEASURED):
    """Drive `count` requests; print req/s and CPU ms per request of each of `processes`.
    Returns the answers (and, `with_figures`, {"rps", "cpu_ms": {process: ms per request}})."""
    pids = measured_pids(system, processes)
    window = procstat.CpuWindow(pids).start()
    seconds, statuses, results = drive(system.url, token, make_request, count, concurrency)
    usage = window.stop()
    per_request = {name: share * usage["wall_s"] / count * 1000 for name, share in usage["cores"].items()}
    cpu = "  ".join(f"{name} {ms:5.2f}" for name, ms in per_request.items())
    print(f"{label:<22} {count / seconds:7.1f} req/s   CPU ms/request: {cpu}   "
          f"others {usage['other_cores']:.2f} cores   statuses {statuses}", flush=True)
    if with_figures:
        return results, {"rps": count / seconds, "cpu_ms": per_request,
                         "other_cores": usage["other_cores"]}
    return results


def start(system, regions=seed.REP_REGIONS):
    """Start the system, sign in as the admin, one active sales rep per region (known to
    customers, so round-robin assignment has someone); returns the admin's client."""
    system.start()
    admin = Api(system.url).login(system.admin_email, system.admin_password)
    for region in regions:
        rep = admin.create_user(role="sales_rep", region=region).user["id"]
        admin.wait_known_to_customers(rep)
    return admin


def creates(nonce, regions):
    def make(n):
        tag = f"{nonce}-{n}"
        return "POST", "/api/v1/customers", {
            "name": f"Hop Cost {tag}", "email": f"hc-{tag}@bench.example.com",
            "phone": f"+1 555 {n % 10_000_000:07d}", "region": regions[n % len(regions)],
            "industry": "Software", "lifecycle_stage": "lead", "size": n % 500}
    return make


def with_keys(make_request, nonce):
    def make(n):
        return (*make_request(n), {"Idempotency-Key": f"hop-cost-{nonce}-{n}"})
    return make


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="measured rounds of each")
    parser.add_argument("--region-without-reps", action="store_true")
    parser.add_argument("--idempotency-keys", action="store_true")
    parser.add_argument("--profile", choices=MEASURED, help="py-spy this process (extra rounds)")
    parser.add_argument("--database", choices=databases.KINDS, default="sqlite")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="crm-hopcost-"))
    amqp = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    vhost = Vhost(amqp, os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672")).create()
    dbs = databases.Databases(args.database, workdir)
    system = BenchSystem(workdir, vhost.uri, dbs)
    try:
        admin = start(system)
        nonce = uuid.uuid4().hex[:8]
        write = creates(nonce, seed.REP_REGIONS)
        drive(system.url, admin.token, creates(nonce + "w", seed.REP_REGIONS), 100,
              args.concurrency)                                            # warm-up
        ids = []
        for round_ in range(args.rounds):
            offset = round_ * args.requests
            made = measure(f"write (round {round_ + 1})", system, admin.token,
                           lambda n, o=offset: write(n + o), args.requests, args.concurrency)
            ids += [customer["id"] for customer in made]
        for round_ in range(args.rounds):
            measure(f"read (round {round_ + 1})", system, admin.token,
                    lambda n: ("GET", f"/api/v1/customers/{ids[n % len(ids)]}", None),
                    args.requests, args.concurrency)
        if args.idempotency_keys:
            for round_ in range(args.rounds):
                measure(f"write + key (round {round_ + 1})", system, admin.token,
                        with_keys(creates(nonce + f"k{round_}", seed.REP_REGIONS), nonce + str(round_)),
                        args.requests, args.concurrency)
        if args.region_without_reps:
            measure("write, region w/o reps", system, admin.token,
                    creates(nonce + "x", ["Nowhere"]), args.requests, args.concurrency)
        if args.profile:
            rounds = (("write", creates(nonce + "p", seed.REP_REGIONS)),
                      ("read", lambda n: ("GET", f"/api/v1/customers/{ids[n % len(ids)]}", None)))
            for label, make in rounds:
                raw = workdir / f"{args.profile}-{label}.txt"
                spy = profile.start(system.pids()[args.profile], 8, raw)
                measure(f"{label} (py-spy)", system, admin.token, make, args.requests * 3,
                        args.concurrency)
                spy.wait()
                summary = profile.summarize(raw, top=15)
                print(f"--- {args.profile} during {label}: {summary['samples']} samples")
                for section in ("layers", "self", "inclusive"):
                    print(f"  {section}:")
                    for name, share in summary[section]:
                        print(f"    {share:5.1f}%  {name}")
    finally:
        system.stop()
        vhost.delete()
        dbs.drop()


if __name__ == "__main__":
    main()
