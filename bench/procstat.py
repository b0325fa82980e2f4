"""What /proc says about processes and the machine: CPU time, RSS, who else is busy."""
import os
import threading
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


def cpu_seconds(pid):
    """User + system CPU seconds of `pid` so far (None once it has gone)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()       # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def machine_busy_seconds():
    """CPU seconds the whole machine spent not idle (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)      # idle + iowait
    return (sum(values[:8]) - idle) / CLOCK_TICKS


def pids_named(comm):
    """Pids whose command name is `comm` (e.g. the broker's beam.smp)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == comm:
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def cpu_seconds_named(comm):
    """CPU seconds so far of every live process named `comm` (PostgreSQL's backends: one
    process per connection). A process that exits takes its seconds with it, one that starts
    brings all of its own: over a window, compare only while the set of processes is stable."""
    return sum(cpu_seconds(pid) or 0.0 for pid in pids_named(comm))


def loadavg():
    return Path("/proc/loadavg").read_text().split()[:3]


class CpuWindow:
    """CPU used by named processes and by the whole machine between start() and stop()."""

    def __init__(self, pids):
        self.pids = dict(pids)                     # name -> pid

    def start(self):
        self._wall = time.monotonic()
        self._machine = machine_busy_seconds()
        self._cpu = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        return self

    def stop(self):
        wall = time.monotonic() - self._wall
        shares = {}
        for name, pid in self.pids.items():
            before, after = self._cpu.get(name), cpu_seconds(pid)
            if before is not None and after is not None:
                shares[name] = (after - before) / wall          # 1.0 = one core
        machine = (machine_busy_seconds() - self._machine) / wall
        return {"wall_s": wall, "cores": shares, "machine_cores": machine,
                "other_cores": max(0.0, machine - sum(shares.values()))}


class RssSampler:
    """Peak RSS of each process, sampled every `interval` seconds in a background thread."""

    def __init__(self, pids, interval=0.5):
        self.pids = dict(pids)
        self.interval = interval
        self.peak = {}
        self._stop = threading.Event()
        self._thread = None

    def sample(self):
        for name, pid in self.pids.items():
            value = rss_mb(pid)
            if value is not None and value > self.peak.get(name, 0):
                self.peak[name] = value

    def _loop(self):
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self):
        self.sample()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sample()


def snapshot_rss(pids):
    return {name: rss_mb(pid) for name, pid in pids.items()}
