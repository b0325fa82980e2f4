"""What /proc says about processes and the machine: CPU time, RSS, who else is busy."""
import os
import threading
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


def _stat_fields(pid):
    """/proc/<pid>/stat's fields after "pid (comm) " (None once it has gone): [0] is the state,
    [11] utime, [12] stime, [19] the start time (clock ticks since boot)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()


def cpu_seconds(pid):
    """User + system CPU seconds of `pid` so far (None once it has gone)."""
    fields = _stat_fields(pid)
    if fields is None:
        return None
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
    """CPU seconds so far of every live process named `comm`. A process that exits takes its
    seconds with it, one that starts brings all of its own: over a window, compare only while
    the set of processes is stable (PostgreSQL's backends are not: PostgresCpu)."""
    return sum(cpu_seconds(pid) or 0.0 for pid in pids_named(comm))


def title(pid):
    """The process's command line as `ps` shows it (PostgreSQL rewrites its own: "postgres:
    15/main: postgres crm_bench_x_audit 127.0.0.1(50312) idle"), "" once it has gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
            errors="replace").strip()
    except OSError:
        return ""


def postgres_backends(databases):
    """{(pid, start time): CPU seconds so far} of the PostgreSQL processes serving one of
    `databases`, told by their process titles: a connection's backend ("<user> <database>
    <host>(<port>) <state>"), an autovacuum worker ("autovacuum worker <database>") and a
    parallel worker of one of those backends ("parallel worker for PID <leader>")."""
    databases = set(databases)
    titled = {pid: title(pid).split() for pid in pids_named("postgres")}
    ours = {pid for pid, words in titled.items() if databases.intersection(words)}
    for pid, words in titled.items():
        if "parallel" in words and words[-1].isdigit() and int(words[-1]) in ours:
            ours.add(pid)
    found = {}
    for pid in ours:
        fields = _stat_fields(pid)
        if fields is not None:
            found[(pid, int(fields[19]))] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return found


class PostgresCpu:
    """CPU seconds of the PostgreSQL processes serving `databases` (postgres_backends) from
    start() to read(). They come and go within a window (a pool's overflow connection is
    closed when handed back, a recycled one replaced, autovacuum workers): so they are sampled
    every `interval` seconds in a thread, a process born in the window counts all its CPU, one
    present at start() its CPU since then, and one that exits keeps what it had at its last
    sample — the error: at most `interval` seconds of one core per process in `exited` (an
    exiting backend is most often idle), never another database's backends. The server's own
    processes (checkpointer, WAL writer, background writer) serve every database: not counted."""

    def __init__(self, databases, interval=0.25):
        self.databases = tuple(databases)
        self.interval = interval
        self.base, self.last, self.exited = {}, {}, set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None

    def sample(self, starting=False):
        now = postgres_backends(self.databases)
        with self._lock:
            for key, seconds in now.items():
                self.base.setdefault(key, seconds if starting else 0.0)
                self.last[key] = seconds
            self.exited.update(key for key in self.last if key not in now)

    def read(self):
        """{"seconds": CPU seconds since start(), "processes": seen, "exited": gone since}."""
        self.sample()
        with self._lock:
            return {"seconds": sum(self.last[key] - self.base[key] for key in self.last),
                    "processes": len(self.last), "exited": len(self.exited)}

    def _loop(self):
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self):
        self.sample(starting=True)
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return self.read()


def loadavg():
    return Path("/proc/loadavg").read_text().split()[:3]


class CpuWindow:
    """CPU used by named processes and by the whole machine between start() and stop() — or
    a reading taken earlier (read()): a window that ends at a moment seen in the middle of a
    wait (the consumers' last move, bench/drain.py) ends there for the CPU too. Its figures
    are all over that one window: dividing CPU taken to one moment by the time to another
    (the import's "cores held" until 2026-12-06) can make any figure."""

    def __init__(self, pids):
        self.pids = dict(pids)                     # name -> pid

    def read(self):
        return {"at": time.monotonic(), "machine": machine_busy_seconds(),
                "cpu": {name: cpu_seconds(pid) for name, pid in self.pids.items()}}

    def start(self):
        self._start = self.read()
        return self

    def stop(self, at=None):
        """The window from start() to the reading `at` (None: now)."""
        self.end = at if at is not None else self.read()
        return self.between(self._start, self.end)

    def between(self, since, until):
        """The same figures over a part of the window: from the reading `since` to `until`
        (the import's cores held while it works: from its first processed row)."""
        wall = until["at"] - since["at"]
        shares = {}
        for name in self.pids:
            before, after = since["cpu"].get(name), until["cpu"].get(name)
            if before is not None and after is not None:
                shares[name] = (after - before) / wall          # 1.0 = one core
        machine = (until["machine"] - since["machine"]) / wall
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
