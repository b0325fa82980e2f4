"""The capacity model (issue 15 §6): the CPU each service spends per request and per event,
measured on this machine, turned into how many replicas of each a load needs — and checked
against what this machine does.

    .venv/bin/python -m bench.capacity [--database sqlite|postgresql] [--requests 600]
        [--read 1000] [--write 100] [--events 200] [--core-budget 0.7]

1. CPU per request, by bench/hop_cost.py's method (each process's CPU from /proc over N
   requests — robust to a busy machine, unlike wall-clock req/s): gateway, customers, identity
   and the broker, per read (GET customer).
2. CPU per write through the whole system: every process's CPU from the first of N `POST
   /customers` until the vhost's queues are empty again — the request's path (gateway,
   customers, broker) and every service consuming its events (reporting, marketing, sales,
   service desk, audit, webhooks, …: each applies customer_created and customer_assigned), so
   a consumer's CPU per event = its CPU per write ÷ the events a write publishes. Each
   process's idle CPU (its timers), measured as a rate just before, is subtracted.
3. Reporting's CPU per event in process (bench/event_cost.py's batched live path): a check on
   step 2's figure for one consumer.
4. The model: a service's cores for a load = Σ rate × CPU per unit (reads and writes for the
   request path, events for the consumers); its replicas = ⌈cores ÷ core budget⌉ (default 0.7
   of a core: a nameko process is one OS thread — eventlet — so one replica uses at most one
   core, and a busy one's latency grows long before 100 %).
5. The checks: the reads this machine should sustain (its cores ÷ the CPU one read costs all
   processes together) vs a closed-loop run with one and two customers replicas; the writes
   per second it should sustain through the whole system (cores ÷ a write's CPU in all
   processes) vs step 2's writes ÷ (driving + draining) seconds.
"""
import argparse
import math
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import databases, drain, event_cost, hop_cost, procstat, seed  # noqa: E402
from bench.system import BenchSystem, Vhost  # noqa: E402
from tests.e2e import system as e2e  # noqa: E402

PROCESSES = ("gateway", "customers", "identity", "rabbitmq")
REQUEST_PATH = ("gateway", "customers", "identity", "rabbitmq", "postgres")   # per request
EVENTS_PER_WRITE = 2        # customer_created + customer_assigned (bench/RESULTS.md, freshness)


def replicas(cores, budget):
    return max(1, math.ceil(cores / budget))


def model(read_ms, write_ms, load, budget):
    """{service: (cores, replicas)} for `load` = {"read", "write", "events"} per second.
    `write_ms` is each process's CPU per write through the whole system (step 2): the request
    path's scales with writes, every consumer's with events (its ms per write ÷ the events a
    write publishes)."""
    needs = {}
    for service in sorted(set(read_ms) | set(write_ms)):
        cores = load["read"] * read_ms.get(service, 0)
        if service in REQUEST_PATH:
            cores += load["write"] * write_ms.get(service, 0)
        else:
            cores += load["events"] * write_ms.get(service, 0) / EVENTS_PER_WRITE
        needs[service] = cores / 1000
    return {service: (cores, replicas(cores, budget)) for service, cores in needs.items()}


def by_service(per_process):
    """{service: ms}: replicas (`customers.2`) summed into their service."""
    total = {}
    for name, ms in per_process.items():
        service = e2e.service_of(name)
        total[service] = total.get(service, 0) + ms
    return total


def measure_write_through_system(args, system, vhost, token, nonce):
    """Every process's CPU ms per write from the first write until the queues are drained,
    less what each spends idle (its timers: measured over `--idle-seconds` first, as a rate)."""
    pids = hop_cost.measured_pids(system)
    idle = procstat.CpuWindow(pids).start()
    time.sleep(args.idle_seconds)           # a measurement window, not a synchronisation
    idle = idle.stop()["cores"]
    window = procstat.CpuWindow(pids).start()
    postgres = (procstat.PostgresCpu(system.databases.created).start()
                if args.database == "postgresql" else None)
    seconds, statuses, _ = hop_cost.drive(system.url, token, hop_cost.creates(nonce, seed.REP_REGIONS),
                                          args.requests, args.concurrency)
    # the window ends at the consumers' last move, not after the drain's confirmation
    drained, usage, backends = drain.cpu_until_applied(
        window, postgres, lambda on_move: system.wait_applied(vhost, args.drain_seconds, on_move,
                                                              sources={"customers"}))
    if drained is None:
        raise SystemExit(f"the consumers did not drain within {args.drain_seconds} s")
    per_write = {name: max(0.0, share - idle.get(name, 0.0)) * usage["wall_s"] / args.requests * 1000
                 for name, share in usage["cores"].items()}
    if backends is not None:            # the backends of this run's databases
        per_write["postgres"] = backends["seconds"] / args.requests * 1000
    per_write = by_service(per_write)
    print(f"write through the system: {args.requests} writes in {seconds:.1f} s, drained "
          f"{drained:.1f} s later; statuses {statuses}; others {usage['other_cores']:.2f} cores; "
          f"the broker {usage['cores'].get('rabbitmq', 0):.2f} cores, {idle.get('rabbitmq', 0):.2f} "
          "before it (subtracted: its timers, and every other vhost's traffic)")
    return {"cpu_ms": per_write, "seconds": seconds, "drained_s": drained,
            "end_to_end_per_s": args.requests / (seconds + drained)}


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
        system.wait_applied(vhost, args.drain_seconds)
        write = measure_write_through_system(args, system, vhost, admin.token, nonce)
        made = hop_cost.drive(system.url, admin.token, hop_cost.creates(nonce + "r", seed.REP_REGIONS),
                              args.requests, args.concurrency)[2]
        ids = [customer["id"] for customer in made]

        def read(n):
            return "GET", f"/api/v1/customers/{ids[n % len(ids)]}", None
        system.wait_applied(vhost, args.drain_seconds)
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
    parser.add_argument("--drain-seconds", type=float, default=600)
    parser.add_argument("--idle-seconds", type=float, default=10,
                        help="the idle window whose CPU rate is subtracted from the write's")
    parser.add_argument("--events-measured", type=int, default=3000)
    parser.add_argument("--read", type=float, default=1000, help="reads/s to plan for")
    parser.add_argument("--write", type=float, default=100, help="writes/s to plan for")
    parser.add_argument("--events", type=float, default=None,
                        help=f"events/s each consumer applies (default {EVENTS_PER_WRITE} per write)")
    parser.add_argument("--core-budget", type=float, default=0.7)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="crm-capacity-"))
    write, one, two = measure_requests(args, workdir)
    event_ms = event_cost.cpu_ms_per_event(args.database, "batched", args.events_measured, workdir)
    load = {"read": args.read, "write": args.write,
            "events": args.events if args.events is not None else EVENTS_PER_WRITE * args.write}
    read_ms = by_service(one["cpu_ms"])
    plan = model(read_ms, write["cpu_ms"], load, args.core_budget)
    print(f"\nCPU ms per read ({args.database}): " + _figures(read_ms))
    print("CPU ms per write through the system (request path and every consumer, until "
          "drained): " + _figures(write["cpu_ms"]))
    in_system = write["cpu_ms"].get("reporting", 0) / EVENTS_PER_WRITE
    print(f"reporting per event: {in_system:.2f} ms in the system, {event_ms:.2f} ms in process "
          f"(bench.event_cost, batched)")
    print(f"\nFor {load['read']:g} reads/s, {load['write']:g} writes/s, {load['events']:g} events/s "
          f"per consumer (core budget {args.core_budget:g} per replica):\n")
    print("| service | cores | replicas |\n|---|---:|---:|")
    for service, (cores, count) in sorted(plan.items(), key=lambda item: -item[1][0]):
        print(f"| {service} | {cores:.2f} | {count} |")
    print(f"| total | {sum(cores for cores, _ in plan.values()):.2f} | |")
    cores = os.cpu_count() or 1
    per_read = sum(read_ms.values())
    per_write = sum(write["cpu_ms"].values())
    print(f"\nCheck on this machine ({cores} cores): one read costs {per_read:.2f} ms of CPU in all; "
          f"the model's ceiling is {cores * 1000 / per_read:.0f} reads/s. Measured: "
          f"{one['rps']:.0f} req/s with one customers replica (others {one['other_cores']:.2f} "
          f"cores), {two['rps']:.0f} with two (others {two['other_cores']:.2f} cores).")
    print(f"One write costs {per_write:.2f} ms of CPU through the whole system; the model's "
          f"ceiling is {cores * 1000 / per_write:.0f} writes/s end to end. Measured: "
          f"{write['end_to_end_per_s']:.0f} writes/s ({args.requests} written in "
          f"{write['seconds']:.1f} s, consumers drained {write['drained_s']:.1f} s later).")


def _figures(per_service):
    return ", ".join(f"{name} {ms:.2f}" for name, ms in sorted(per_service.items(), key=lambda i: -i[1]))


if __name__ == "__main__":
    main()
