"""Running wrk: one scenario = warm-up + N measured runs; the figure is the median of runs.

Each run records what wrk measured (requests, errors, latency percentiles and statuses from
the Lua done() line), wrk's own CPU (from its rusage: it must not be the bottleneck), each
service's CPU and the whole machine's (from /proc: contention by others shows up as
`other_cores`), and each service's peak RSS.
"""
import json
import os
import statistics
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench import pace, procstat

LUA = Path(__file__).resolve().parent / "lua"


@dataclass
class Scenario:
    key: str
    title: str
    url: str                       # base URL + path (the path is the request for get.lua)
    script: str = "get.lua"
    env: dict = field(default_factory=dict)
    connections: int = 16
    duration: float = 10.0
    runs: int = 3
    warmup: float = 3.0
    group: str = "http"
    note: str = ""


@dataclass
class Bench:
    """What every run needs: the processes to watch and the run's knobs."""
    pids: dict                     # service name -> pid (services + reference + broker)
    threads: int = 1
    timeout: str = "10s"
    seed: int = 1
    log: callable = print


def _parse(stdout):
    for line in stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON "):])
    raise RuntimeError(f"wrk printed no BENCH_JSON line:\n{stdout[-2000:]}")


def wrk(bench, scenario, duration, measure=True):
    """One wrk run; returns the parsed figures (plus CPU and RSS when `measure`)."""
    env = dict(os.environ, BENCH_SEED=str(bench.seed), BENCH_NONCE=uuid.uuid4().hex[:8],
               **scenario.env)
    command = ["wrk", "-t", str(bench.threads), "-c", str(scenario.connections),
               "-d", f"{duration:g}s", "--timeout", bench.timeout,
               "-s", str(LUA / scenario.script), scenario.url]
    window = procstat.CpuWindow(bench.pids)
    sampler = procstat.RssSampler(bench.pids)
    started_at = time.time()
    with sampler:
        window.start()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env=env, text=True)
        _, status, usage = os.wait4(process.pid, 0)          # wrk's own rusage
        cpu = window.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = process.stdout.read(), process.stderr.read()
    if process.returncode:
        raise RuntimeError(f"wrk failed ({process.returncode}): {stderr}\n{stdout}")
    result = _parse(stdout)
    seconds = result["duration_us"] / 1e6
    errors = result["errors"]
    socket_errors = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
    good = result["requests"] - errors["status"] - socket_errors
    latency = result["latency_us"]
    figures = {
        "started_at": started_at, "ended_at": time.time(),
        "requests": result["requests"], "ok": good, "seconds": seconds,
        "rps": good / seconds if seconds else 0.0,
        "errors": errors["status"] + socket_errors, "statuses": result["statuses"],
        "p50_ms": latency["p50"] / 1000, "p90_ms": latency["p90"] / 1000,
        "p95_ms": latency["p95"] / 1000, "p99_ms": latency["p99"] / 1000,
        "max_ms": latency["max"] / 1000,
        "wrk_cpu_cores": (usage.ru_utime + usage.ru_stime) / cpu["wall_s"],
    }
    cpu["other_cores"] = max(0.0, cpu["other_cores"] - figures["wrk_cpu_cores"])
    if measure:
        figures.update(cpu=cpu, rss_peak_mb=sampler.peak)
    return figures


MEDIAN_KEYS = ("rps", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "wrk_cpu_cores")


def median_of(runs):
    summary = {key: statistics.median(run[key] for run in runs) for key in MEDIAN_KEYS}
    summary["errors"] = sum(run["errors"] for run in runs)
    summary["requests"] = sum(run["requests"] for run in runs)
    statuses = {}
    for run in runs:
        for status, count in run["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    summary["statuses"] = statuses
    summary["other_cores"] = statistics.median(run["cpu"]["other_cores"] for run in runs)
    names = {name for run in runs for name in run["cpu"]["cores"]}
    summary["service_cores"] = {name: statistics.median(run["cpu"]["cores"].get(name, 0.0)
                                                        for run in runs) for name in names}
    peaks = {}
    for run in runs:
        for name, value in run["rss_peak_mb"].items():
            peaks[name] = max(peaks.get(name, 0.0), value)
    summary["rss_peak_mb"] = peaks
    return summary


def settle(bench, names, quiet_cores=0.15, limit=20.0):
    """Wait until the services are quiet (a slow scenario's backlog must not leak into the
    next one); returns how long it took."""
    started = time.monotonic()
    pids = {name: pid for name, pid in bench.pids.items() if name in names}
    while time.monotonic() - started < limit:
        window = procstat.CpuWindow(pids).start()
        time.sleep(0.5)
        if sum(window.stop()["cores"].values()) < quiet_cores:
            break
    return time.monotonic() - started


def run(bench, scenario, quiet=("gateway", "customers", "identity", "reporting", "bench_http",
                                "bench_echo")):
    settle(bench, quiet)
    host_pace = pace.probe()           # the host's speed now, against the ceiling's (bench/pace.py)
    if scenario.warmup:
        wrk(bench, scenario, scenario.warmup, measure=False)
    runs = []
    for index in range(scenario.runs):
        runs.append(wrk(bench, scenario, scenario.duration))
        last = runs[-1]
        bench.log(f"  {scenario.key} run {index + 1}/{scenario.runs}: {last['rps']:.0f} req/s, "
                  f"p50 {last['p50_ms']:.1f} / p95 {last['p95_ms']:.1f} / p99 {last['p99_ms']:.1f} ms, "
                  f"errors {last['errors']}, wrk {last['wrk_cpu_cores'] * 100:.0f}% of a core, "
                  f"others {last['cpu']['other_cores'] * 100:.0f}%")
    return {"scenario": {k: v for k, v in scenario.__dict__.items() if k != "env"},
            "runs": runs, "median": median_of(runs), "pace_ms": host_pace}
