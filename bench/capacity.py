"""The capacity model (issue 15 §6): the CPU each service spends per request and per event,
measured on this machine, turned into how many replicas of each a load needs — and checked
against what this machine does with two replicas.

    .venv/bin/python -m bench.capacity [--database sqlite|postgresql] [--requests 600]
        [--read 1000] [--write 100] [--events 2000] [--core-budget 0.7]

1. CPU per request, by bench/hop_cost.py's method (each process's CPU from /proc over N
   requests — robust to a busy machine, unlike wall-clock req/s): gateway, customers, identity
   and the broker, per read (GET customer) and per write (POST customer).
2. CPU per event applied by reporting: bench/event_cost.py's batched live path, in process.
3. The model: a service's cores for a load = Σ rate × CPU per unit; its replicas = ⌈cores ÷
   core budget⌉ (default 0.7 of a core: a nameko process is one OS thread — eventlet — so one
   replica uses at most one core, and a busy one's latency grows long before 100 %).
4. The check: the reads this machine should sustain (its cores ÷ the CPU one read costs all
   processes together) vs a closed-loop run with two customers replicas. Where the two differ
   by more than the other processes' CPU explains, the model misses a cost.
"""
import argparse
import math
import os
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import databases, event_cost, hop_cost, seed  # noqa: E402
from bench.system import BenchSystem, Vhost  # noqa: E402
from tests.e2e import system as e2e  # noqa: E402

PROCESSES = ("gateway", "customers", "identity", "rabbitmq")
EVENTS_PER_WRITE = 2        # customer_created + customer_assigned (bench/RESULTS.md, freshness)


def replicas(cores, budget):
    return max(1, math.ceil(cores / budget))


def model(read_ms, write_ms, event_ms, load, budget):
    """{service: (cores, replicas)} for `load` = {"read", "write", "events"} per second."""
    needs = {}
    for service in sorted(set(read_ms) | set(write_ms)):
        needs[service] = (load["read"] * read_ms.get(service, 0)
                          + load["write"] * write_ms.get(service, 0)) / 1000
    needs["reporting"] = load["events"] * event_ms / 1000
    return {service: (cores, replicas(cores, budget)) for service, cores in needs.items()}


def measure_requests(args, workdir):
    amqp = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    vhost = Vhost(amqp, os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672")).create()
    dbs = databases.Databases(args.database, workdir)
    system = BenchSystem(workdir, vhost.uri, dbs)
    try:
        admin = hop_cost.start(system)
        nonce = uuid.uuid4().hex[:8]
        hop_cost.drive(system.url, admin.token, hop_cost.creates(nonce + "w", seed.REP_REGIONS), 100,
                       args.concurrency)                                        # warm-up
        made, write = hop_cost.measure("write", system, admin.token,
                                       hop_cost.creates(nonce, seed.REP_REGIONS), args.requests,
                                       args.concurrency, with_figures=True, processes=PROCESSES)
        ids = [customer["id"] for customer in made]

        def read(n):
            return "GET", f"/api/v1/customers/{ids[n % len(ids)]}", None
        _, one = hop_cost.measure("read, 1 customers replica", system, admin.token, read,
                                  args.requests, args.concurrency, with_figures=True,
                                  processes=PROCESSES)
        system.start_service(e2e.replica("customers", 2))
        system.wait_consuming(e2e.replica("customers", 2), "customers")
        _, two = hop_cost.measure("read, 2 customers replicas", system, admin.token, read,
                                  args.requests * 2, args.concurrency * 2, with_figures=True,
                                  processes=PROCESSES)
        return write, one, two
    finally:
        system.stop()
        vhost.delete()
        dbs.drop()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=databases.KINDS, default="sqlite")
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--events-measured", type=int, default=3000)
    parser.add_argument("--read", type=float, default=1000, help="reads/s to plan for")
    parser.add_argument("--write", type=float, default=100, help="writes/s to plan for")
    parser.add_argument("--events", type=float, default=None,
                        help=f"events/s into reporting (default {EVENTS_PER_WRITE} per write)")
    parser.add_argument("--core-budget", type=float, default=0.7)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="crm-capacity-"))
    write, one, two = measure_requests(args, workdir)
    event_ms = event_cost.cpu_ms_per_event(args.database, "batched", args.events_measured, workdir)
    load = {"read": args.read, "write": args.write,
            "events": args.events if args.events is not None else EVENTS_PER_WRITE * args.write}
    plan = model(one["cpu_ms"], write["cpu_ms"], event_ms, load, args.core_budget)
    print(f"\nCPU ms per unit ({args.database}): read {one['cpu_ms']}, write {write['cpu_ms']}, "
          f"event (reporting, batched) {event_ms:.2f}")
    print(f"\nFor {load['read']:g} reads/s, {load['write']:g} writes/s, {load['events']:g} events/s "
          f"(core budget {args.core_budget:g} per replica):\n")
    print("| service | cores | replicas |\n|---|---:|---:|")
    for service, (cores, count) in plan.items():
        print(f"| {service} | {cores:.2f} | {count} |")
    per_read = sum(one["cpu_ms"].values())
    cores = os.cpu_count() or 1
    print(f"\nCheck on this machine ({cores} cores): one read costs {per_read:.2f} ms of CPU in all; "
          f"the model's ceiling is {cores * 1000 / per_read:.0f} reads/s. Measured: "
          f"{one['rps']:.0f} req/s with one customers replica (others {one['other_cores']:.2f} "
          f"cores), {two['rps']:.0f} with two (others {two['other_cores']:.2f} cores).")


if __name__ == "__main__":
    main()
