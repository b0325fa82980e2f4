"""Issue 10, item 7: writes through the gateway while services are `kill -9`ed, the dedicated
RabbitMQ node is SIGKILLed and the dedicated PostgreSQL crashes — then every acknowledged write
is there exactly once, nothing is there that was not asked for, and reporting equals the
sources (its own counts and the reconcile API).

CI runs the small size (~300 writes, 4 clients); `make chaos` the big one (CHAOS_WRITES=3000,
CHAOS_CLIENTS=8). CHAOS_SEED repeats a run's choices (its seed is in the summary)."""
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.chaos import run
from tests.chaos.nemesis import Nemesis
from tests.chaos.workload import Workload

pytestmark = pytest.mark.chaos


def test_no_acknowledged_write_lost_or_doubled_under_kills_and_restarts(tmp_path, capsys):
    size = run.Size()
    load_before = run.load_average()
    started = time.monotonic()
    since = datetime.now(timezone.utc) - timedelta(days=1)
    with run.dedicated_system(tmp_path) as (system, rabbit, postgres, admin):
        product = admin.ok("POST", "products", expect=201, json={
            "name": "Chaos unit", "series": "Chaos", "list_price": "100.00", "currency": "USD"})
        workload = Workload(system.url, admin.token, product["id"], run.new_run_id(),
                            size.writes, size.clients, write_deadline=size.write_deadline,
                            seed=size.seed)
        nemesis = Nemesis(system, rabbit, postgres, seed=size.seed)
        nemesis.start()
        try:
            workload.run(pace=size.writes / size.seconds,
                         extend_while=lambda: not nemesis.opening_done())
        finally:
            nemesis.stop()
        run.settle(system, rabbit, postgres)
        verdict, reporting, reconciled = run.check(system, admin, workload, since)
        table = run.summary(workload, nemesis, rabbit, postgres, verdict, reporting, reconciled,
                            time.monotonic() - started, load_before)
        (tmp_path / "summary.txt").write_text(table)
        with capsys.disabled():
            print(f"\nchaos run (tests/chaos):\n{table}\nnemesis: {nemesis.log}\n"
                  f"500s: {workload.stats.server_error_samples}")
            for name, lines in nemesis.exit_logs:
                print(f"--- {name} exited by itself; its log ended with:\n{lines}")

    assert verdict.problems() == {}, verdict.problems()
    assert reporting["equal"], reporting
    assert reconciled["difference_count"] == 0, reconciled
    # The faults happened while the writes ran, and the writes got through them.
    assert nemesis.kill_count >= 3 and rabbit.restarts >= 1 and postgres.restarts >= 1, nemesis.log
    assert workload.outcomes()["ok"] >= 0.9 * len(workload.writes), workload.outcomes()
