"""bench/run.py: a bench ended by `kill` cleans up as one ended by Ctrl-C (its finally blocks
stop the system, delete the vhost, drop the databases)."""
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CHILD = """
import pathlib, sys, time
from bench.run import exit_on_sigterm
exit_on_sigterm()
try:
    print("ready", flush=True)
    time.sleep(60)
finally:
    pathlib.Path(sys.argv[1]).write_text("cleaned up")
"""


def test_a_killed_bench_runs_its_finally_blocks(tmp_path):
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(marker)], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)},
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"     # the handler is in place
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=30) == 128 + signal.SIGTERM
    finally:
        child.kill()
    assert marker.read_text() == "cleaned up"
