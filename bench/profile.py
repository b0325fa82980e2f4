"""py-spy on a running service while a scenario runs: where its CPU time goes.

`record()` samples the process (100 Hz, raw collapsed stacks, idle samples excluded);
`summarize()` turns the stacks into (a) time by layer — eventlet hub, AMQP client, HTTP,
SQL, validation, our own code... — counted by the innermost frame (self time), (b) the top
functions by self time and (c) by inclusive time (a function counted once per sample).
"""
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^():]*?)(?::(?P<line>\d+))?\)$")

# first matching fragment of the file path wins
LAYERS = (
    ("/eventlet/", "eventlet (hub, green sockets, scheduling)"),
    ("/greenlet", "eventlet (hub, green sockets, scheduling)"),
    ("/kombu/", "AMQP client (kombu, py-amqp)"),
    ("/amqp/", "AMQP client (kombu, py-amqp)"),
    ("/vine/", "AMQP client (kombu, py-amqp)"),
    ("/nameko/", "nameko (containers, entrypoints, RPC)"),
    ("/werkzeug/", "HTTP (werkzeug)"),
    ("/sqlalchemy/", "SQLAlchemy"),
    ("sqlite3", "SQLite (C, via sqlite3)"),
    ("/psycopg2/", "PostgreSQL driver"),
    ("/marshmallow/", "validation and dumping (marshmallow)"),
    ("/jwt/", "JWT (PyJWT)"),
    ("/prometheus_client/", "metrics (prometheus_client)"),
    ("/logging/", "logging"),
    ("/json/", "json"),
    ("/gateway/", "gateway code"),
    ("/services/chassis/", "chassis code"),
    ("/services/", "service code"),
    ("/bench/", "bench reference services"),
)


def available():
    return shutil.which("py-spy") or (Path(sys.executable).parent / "py-spy").exists()


def executable():
    return shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")


def start(pid, seconds, output):
    """Start py-spy in the background; wait() on the returned process."""
    return subprocess.Popen(
        [executable(), "record", "--pid", str(pid), "--duration", str(int(seconds)),
         "--rate", "100", "--format", "raw", "--nonblocking", "--full-filenames", "--output", str(output)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _parse_frame(text):
    match = FRAME.match(text.strip())
    if not match:
        return text.strip(), ""
    return match.group("func"), match.group("file")


# SQLAlchemy's thin wrappers around the DB-API calls: their self time is the C driver and the
# database engine (SQLite runs in-process; psycopg2 only sends and decodes) doing the work.
DBAPI_CALLS = {"do_execute", "do_execute_no_params", "do_executemany", "do_commit", "do_rollback",
               "do_close", "_fetchall_impl", "_fetchone_impl", "_fetchmany_impl"}


def _layer(path, func):
    if func.rsplit(".", 1)[-1] in DBAPI_CALLS and "/sqlalchemy/" in path:
        return "database (DB-API driver, C; on SQLite its engine too)"
    for fragment, name in LAYERS:
        if fragment in path:
            return name
    if "site-packages" in path:
        return "other libraries"
    return "Python runtime" if path else func


def _short(func, path):
    path = path.split("site-packages/")[-1]
    path = re.sub(r"^.*/(gateway|services|bench)/", r"\1/", path)
    path = re.sub(r"^.*/lib/python3\.\d+/", "", path)
    return f"{func} ({path})"


def summarize(raw_path, top=10):
    samples, layers, self_time, inclusive = 0, Counter(), Counter(), Counter()
    for line in Path(raw_path).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        count = int(count)
        frames = [_parse_frame(part) for part in stack.split(";")]
        frames = [frame for frame in frames if frame[1] or frame[0].startswith("<")]
        if not frames:
            continue
        samples += count
        func, path = frames[-1]
        layers[_layer(path, func)] += count
        self_time[_short(func, path)] += count
        for name in {_short(f, p) for f, p in frames}:
            inclusive[name] += count

    def shares(counter, limit):
        return [(name, 100.0 * count / samples) for name, count in counter.most_common(limit)]
    if not samples:
        return {"samples": 0, "layers": [], "self": [], "inclusive": []}
    return {"samples": samples, "layers": shares(layers, 12), "self": shares(self_time, top),
            "inclusive": shares(inclusive, top + 8)}
