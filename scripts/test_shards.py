"""The whole suite as a few pytest processes at once, each over its own share of the test files.

Why not pytest-xdist: its workers hang at start under nameko's eventlet monkey patching (execnet's
threads are green ones there). The tests themselves already run side by side safely — a RabbitMQ
vhost per test (nameko's fixture) or per e2e system, databases named by uuid, free ports, temp
directories — so plain pytest processes over disjoint file sets are enough.

The files are shared out by their last measured time (`tests/durations.json`, longest first, each
to the least loaded shard); a file not measured yet counts as its level's median. The e2e files
that use the session's shared system go to one shard together, so that only one such system runs. Each shard's
output is printed as it comes, prefixed `[k]`; its junit report and a fresh durations file go to
var/test-shards/. The exit status is non-zero when any shard failed (or collected nothing).

    python scripts/test_shards.py [tests/unit ...]     # TEST_SHARDS (default 3) shards
    cp var/test-shards/durations.json tests/durations.json      # after a run: refresh the weights
"""
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DURATIONS = ROOT / "tests" / "durations.json"
OUT = ROOT / "var" / "test-shards"
UNMEASURED_SECONDS = 5.0
# e2e files that start a system of their own (not the session's `system` fixture): placed alone.
OWN_SYSTEM = {"tests/e2e/test_api_document.py", "tests/e2e/test_compose_stack.py",
              "tests/e2e/test_make_run.py", "tests/e2e/test_replicas.py"}
# ...except these, which go with the shared system's shard, where the browser tests run: podman
# setting the compose stack's network up makes a Chromium running at the same time drop its page
# loads (net::ERR_NETWORK_CHANGED — two console tests failed so), and the API docs' browser test
# is a Chromium too.
WITH_THE_BROWSERS = {"tests/e2e/test_compose_stack.py", "tests/integration/gateway/test_docs_browser.py"}


def test_files(roots=("tests",)):
    found = set()
    for root in map(ROOT.joinpath, roots):
        found.update(root.rglob("test_*.py") if root.is_dir() else [root])
    return sorted(str(path.relative_to(ROOT)) for path in found)


def weights(files, measured):
    """Each file's expected seconds: its measured time, else the median of its level's files."""
    by_level = {}
    for name, seconds in measured.items():
        by_level.setdefault(name.split("/")[1], []).append(seconds)
    medians = {level: statistics.median(times) for level, times in by_level.items()}
    return {name: measured.get(name, medians.get(name.split("/")[1], UNMEASURED_SECONDS)) for name in files}


def units(expected):
    """What is placed as one piece: the e2e files on the shared system (one system per shard that
    has any: it is about a dozen processes, whose idle timers alone cost a shard's worth of CPU
    when three run at once) and the files that must not run beside its browser tests together,
    every other file on its own."""
    shared = sorted(name for name in expected if name in WITH_THE_BROWSERS
                    or (name.startswith("tests/e2e/") and name not in OWN_SYSTEM))
    pieces = [[name] for name in expected if name not in shared]
    return pieces + ([shared] if shared else [])


def partition(expected, count):
    """Longest piece first, each to the shard with the least expected time so far; each shard's
    files keep the suite's own order (the e2e conftest puts the demo loader last in its shard)."""
    pieces = units(expected)
    shards = [[] for _ in range(min(count, len(pieces)))]
    loads = [0.0] * len(shards)
    for piece in sorted(pieces, key=lambda files: (-sum(expected[name] for name in files), files)):
        lightest = loads.index(min(loads))
        shards[lightest].extend(piece)
        loads[lightest] += sum(expected[name] for name in piece)
    return [sorted(files) for files in shards], loads


def _relay(prefix, stream):
    for line in iter(stream.readline, ""):
        sys.stdout.write(f"{prefix} {line}")
        sys.stdout.flush()


def run(shards):
    OUT.mkdir(parents=True, exist_ok=True)
    started, processes, relays = time.monotonic(), [], []
    for number, files in enumerate(shards, 1):
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "junit_family=xunit1",
                   f"--junitxml={OUT / f'shard-{number}.xml'}", *files]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, bufsize=1)
        processes.append(process)
        relay = threading.Thread(target=_relay, args=(f"[{number}]", process.stdout), daemon=True)
        relay.start()
        relays.append(relay)

    def stop(signum, _frame):          # a cancelled run tears every shard's fixtures down
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, stop)

    walls = [None] * len(processes)
    while None in walls:
        for index, process in enumerate(processes):
            if walls[index] is None and process.poll() is not None:
                walls[index] = time.monotonic() - started
        time.sleep(0.5)
    for relay in relays:        # a process a test leaked may hold the pipe open: do not wait on it
        relay.join(timeout=10)
    return [process.returncode for process in processes], walls, time.monotonic() - started


def measured_durations(count):
    """Seconds per test file from the shards' junit reports (setup, call and teardown)."""
    seconds = {}
    for number in range(1, count + 1):
        report = OUT / f"shard-{number}.xml"
        if not report.exists():
            continue
        for case in ElementTree.parse(report).iter("testcase"):
            name = case.get("file")
            if name:
                seconds[name] = seconds.get(name, 0.0) + float(case.get("time") or 0)
    return {name: round(value, 2) for name, value in sorted(seconds.items())}


def main():
    count = int(os.environ.get("TEST_SHARDS", "3"))
    measured = json.loads(DURATIONS.read_text()) if DURATIONS.exists() else {}
    shards, loads = partition(weights(test_files(sys.argv[1:] or ("tests",)), measured), count)
    for number, (files, load) in enumerate(zip(shards, loads), 1):
        print(f"[{number}] {len(files)} files, about {load / 60:.1f} min of tests", flush=True)
    codes, walls, total = run(shards)
    (OUT / "durations.json").write_text(json.dumps(measured_durations(len(shards)), indent=1) + "\n")
    for number, (code, wall) in enumerate(zip(codes, walls), 1):
        print(f"[{number}] exit {code} after {wall / 60:.1f} min")
    print(f"test shards: {len(shards)} in {total / 60:.1f} min; per-file times in {OUT / 'durations.json'}")
    return 0 if all(code == 0 for code in codes) else 1


if __name__ == "__main__":
    sys.exit(main())
