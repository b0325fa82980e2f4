"""The soak (issue 10, item 8; `make soak`, not in CI): the chaos run's clients and system (its
own RabbitMQ node and PostgreSQL server, every service a real process) without faults, at half
the measured capacity for a long time, watching what drifts.

    make soak      (.venv/bin/pytest tests/chaos/soak.py; SOAK_MINUTES=30, SOAK_CLIENTS=8,
                    SOAK_RAMP_SECONDS=60, SOAK_SAMPLE_SECONDS=30)

1. capacity: the clients write as fast as they can for the ramp (writes/s acknowledged);
2. soak: writes paced at half that for SOAK_MINUTES, sampling every SOAK_SAMPLE_SECONDS each
   service's RSS (/proc), outbox backlog and oldest unsent age, and reporting's consumer lag
   (its /metrics), and the clients' errors;
3. verdict: errors (0 expected), RSS growth per service from the first sample to the last
   (< 10 % expected), the largest backlog and lag, and the chaos check (lost, duplicated,
   unexpected, reconcile). The test fails if a limit is broken.
"""
import os
import time
from datetime import datetime, timedelta, timezone

import eventlet
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.chaos import run
from tests.chaos.workload import Workload

RSS_GROWTH_LIMIT = 0.10
LAG_SOURCES = ("customers", "sales")        # reporting's consumer lag from the written sources


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        return None


def metric_values(port, names):
    """{(name, labels as a tuple): value} of the given metric names at a /metrics port."""
    try:
        text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    except requests.RequestException:
        return {}
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name in names:
                found[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return found


class Sampler:
    def __init__(self, system, workload, every):
        self.system = system
        self.workload = workload
        self.every = every
        self.rows = []
        self._stopping = False
        self._thread = None

    def start(self):
        self._thread = eventlet.spawn(self._run)

    def stop(self):
        self._stopping = True
        self._thread.wait()
        self.take()

    def _run(self):
        while not self._stopping:
            self.take()
            deadline = time.monotonic() + self.every
            while not self._stopping and time.monotonic() < deadline:
                eventlet.sleep(0.5)

    def take(self):
        backlog, oldest, lag = 0, 0.0, {}
        for name, port in self.system.metrics_ports.items():
            values = metric_values(port, {"crm_outbox_backlog", "crm_outbox_oldest_unsent_age_seconds",
                                          "crm_consumer_lag_seconds"})
            for (metric, labels), value in values.items():
                if metric == "crm_outbox_backlog":
                    backlog += value
                elif metric == "crm_outbox_oldest_unsent_age_seconds":
                    oldest = max(oldest, value)
                elif dict(labels).get("source") in LAG_SOURCES:
                    # the last applied event's lag; a source without new events keeps its
                    # old value, so only the ones the soak writes to are telling
                    lag[dict(labels)["source"]] = round(value, 2)
        stats = self.workload.stats
        self.rows.append({
            "t": round(time.monotonic() - self.workload.started),
            "writes": len(self.workload.writes),
            "errors": stats.unavailable + stats.server_errors + stats.transport_errors
            + sum(v for k, v in stats.errors_by_status.items() if 400 <= k < 500),
            "outbox": int(backlog), "oldest_unsent_s": round(oldest, 1),
            "lag_s": max(lag.values(), default=0.0),
            "rss_mib": {name: round(rss_kib(process.pid) / 1024, 1)
                        for name, process in self.system.processes.items()
                        if rss_kib(process.pid) is not None}})


def measure_capacity(system, admin, product_id, clients, seconds):
    """Acknowledged writes per second with every client writing flat out for `seconds`."""
    workload = Workload(system.url, admin.token, product_id, f"ramp{run.new_run_id()}",
                        total_writes=None, clients=clients)
    workload.run(seconds=seconds)
    ok = workload.outcomes()["ok"]
    return ok / (workload.finished - workload.started), workload


def soak(workdir, minutes, clients, ramp_seconds, every, out=print):
    load_before = run.load_average()
    since = datetime.now(timezone.utc) - timedelta(days=1)
    with run.dedicated_system(workdir) as (system, _rabbit, _postgres, admin):
        product = admin.ok("POST", "products", expect=201, json={
            "name": "Soak unit", "series": "Soak", "list_price": "100.00", "currency": "USD"})
        capacity, ramp = measure_capacity(system, admin, product["id"], clients, ramp_seconds)
        pace = capacity / 2
        out(f"capacity {capacity:.1f} writes/s over {ramp_seconds}s ({clients} clients, "
            f"load {load_before}); soaking at {pace:.1f} writes/s for {minutes} min")
        workload = Workload(system.url, admin.token, product["id"], run.new_run_id(),
                            total_writes=int(pace * minutes * 60), clients=clients)
        sampler = Sampler(system, workload, every)
        workload.started = time.monotonic()       # the sampler's clock until run() sets it again
        sampler.start()
        workload.run(pace=pace)
        sampler.stop()
        run.settle(system, _rabbit, _postgres)
        verdict, reporting, reconciled = run.check(system, admin, _Both(ramp, workload), since)
        report = Report(capacity, pace, minutes, workload, sampler.rows, verdict, reporting,
                        reconciled, load_before, run.load_average())
        out(report.text())
        return report


class _Both:
    """The ramp's writes and the soak's, judged together (both are in the system)."""
    def __init__(self, *workloads):
        self.writes = [write for workload in workloads for write in workload.writes]


class Report:
    def __init__(self, capacity, pace, minutes, workload, rows, verdict, reporting, reconciled,
                 load_before, load_after):
        self.__dict__.update(locals())
        first, last = rows[0]["rss_mib"], rows[-1]["rss_mib"]
        self.growth = {name: (last[name] - first[name]) / first[name]
                       for name in first if name in last}
        self.errors = rows[-1]["errors"]

    def ok(self):
        return (self.errors == 0 and not self.verdict.problems()
                and self.reconciled["difference_count"] == 0 and self.reporting["equal"]
                and all(growth < RSS_GROWTH_LIMIT for growth in self.growth.values()))

    def text(self):
        outcomes = self.workload.outcomes()
        lines = [f"soak: {self.minutes} min at {self.pace:.1f} writes/s (half of {self.capacity:.1f} "
                 f"measured), {len(self.workload.writes)} writes, ok / failed / unknown "
                 f"{outcomes['ok']} / {outcomes['failed']} / {outcomes['unknown']}, "
                 f"load average {self.load_before} → {self.load_after}",
                 "   t(s)  writes  errors  outbox  oldest unsent(s)  consumer lag(s)  RSS MiB"]
        for row in self.rows:
            rss = " ".join(f"{name} {value}" for name, value in row["rss_mib"].items())
            lines.append(f"  {row['t']:>5}  {row['writes']:>6}  {row['errors']:>6}  "
                         f"{row['outbox']:>6}  {row['oldest_unsent_s']:>16}  {row['lag_s']:>15}  {rss}")
        latencies = self.workload.latencies()
        lines += [
            "RSS growth first → last sample: " + ", ".join(
                f"{name} {growth:+.1%}" for name, growth in self.growth.items()),
            f"largest outbox backlog (all services) {max(r['outbox'] for r in self.rows)}, "
            f"oldest unsent {max(r['oldest_unsent_s'] for r in self.rows)} s, largest consumer "
            f"lag {max(r['lag_s'] for r in self.rows)} s (reporting's last applied event from "
            f"{' / '.join(LAG_SOURCES)}: visible − occurred)",
            "write latency p50 / p99 / max (s): " + " / ".join(
                f"{run._quantile(latencies, q):.2f}" for q in (0.5, 0.99, 1.0)),
            f"errors {self.errors}; lost {len(self.verdict.lost)}, duplicated "
            f"{len(self.verdict.duplicated)}, unexpected {len(self.verdict.unexpected)}; "
            f"reporting = sources {self.reporting['equal']}; reconcile differences "
            f"{self.reconciled['difference_count']}",
            "verdict: " + ("ok" if self.ok() else "LIMIT BROKEN")]
        return "\n".join(lines)


def test_soak(tmp_path, capsys):
    """Run only by name (`make soak`): this file's name keeps it out of `pytest tests`."""
    with capsys.disabled():
        report = soak(tmp_path, float(os.environ.get("SOAK_MINUTES", 30)),
                      int(os.environ.get("SOAK_CLIENTS", 8)),
                      float(os.environ.get("SOAK_RAMP_SECONDS", 60)),
                      float(os.environ.get("SOAK_SAMPLE_SECONDS", 30)),
                      out=lambda text: print(text, flush=True))
    assert report.ok(), report.text()
