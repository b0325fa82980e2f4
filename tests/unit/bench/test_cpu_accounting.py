"""The bench's CPU accounting (bench/procstat.py, bench/import_scale.py): a window's CPU and its
wall time end at the same reading, so the cores a system held can never exceed the machine's;
PostgreSQL's processes are counted by their database, those that exit in the window with
what they had used."""
import pytest

from bench import drain, import_scale, procstat


class _Machine:
    """A fixed clock and the CPU seconds so far of each process and of the whole machine."""

    def __init__(self, pids):
        self.now = 0.0
        self.cpu = {pid: 0.0 for pid in pids}
        self.machine = 0.0

    def monotonic(self):
        return self.now

    def run(self, seconds, cores):
        """`seconds` pass with each pid in `cores` busy that many cores."""
        self.now += seconds
        for pid, share in cores.items():
            self.cpu[pid] += share * seconds
            self.machine += share * seconds


@pytest.fixture
def machine(monkeypatch):
    machine = _Machine([1, 2, 3])
    monkeypatch.setattr(procstat, "time", machine)
    monkeypatch.setattr(procstat, "cpu_seconds", lambda pid: machine.cpu.get(pid))
    monkeypatch.setattr(procstat, "machine_busy_seconds", lambda: machine.machine)
    return machine


def test_a_window_can_end_at_a_reading_taken_before_it_stops(machine):
    window = procstat.CpuWindow({"customers": 1, "audit": 2}).start()
    machine.run(4.0, {1: 1.0, 2: 0.5})
    reading = window.read()
    machine.run(6.0, {1: 0.2, 3: 1.0})               # after the reading: not the window's
    usage = window.stop(at=reading)
    assert usage["wall_s"] == 4.0
    assert usage["cores"] == {"customers": 1.0, "audit": 0.5}
    assert usage["machine_cores"] == 1.5 and usage["other_cores"] == 0.0
    assert window.stop()["wall_s"] == 10.0           # without one: until now, as before


def test_the_cores_held_over_an_import_end_at_the_consumers_last_move(machine):
    """Both cores busy until the consumers' last move at 8 s; then the drain's confirmation
    (a second of quiet, the management API's figures) while every process answers /metrics:
    0.5 of a core for 2 s. The import held 2 cores; dividing the CPU until the drain ended by
    the time until the last move said 2.12."""
    window = procstat.CpuWindow({"customers": 1, "audit": 2, "rabbitmq": 3}).start()
    machine.run(7.0, {1: 1.0, 2: 0.6, 3: 0.4})       # the job, until it is done

    def wait_applied(on_move):
        on_move()                                    # the first reading: still moving
        machine.run(1.0, {2: 1.4, 3: 0.6})           # the consumers catch up
        on_move()                                    # their last move, 1 s after the call
        machine.run(2.0, {1: 0.2, 2: 0.2, 3: 0.1})   # quiet, confirmed: the drain's own
        return 1.0

    drained, usage, backends = drain.cpu_until_applied(window, None, wait_applied)
    assert drained == 1.0 and backends is None
    assert usage["wall_s"] == 8.0
    assert import_scale.cores_held(usage, None) == pytest.approx(2.0)
    assert usage["cores"] == {"customers": pytest.approx(7 / 8), "audit": pytest.approx(5.6 / 8),
                              "rabbitmq": pytest.approx(3.4 / 8)}


def test_the_cores_held_while_an_import_works_start_at_its_first_row_not_the_upload(machine):
    """The runner's timer picks the job up 1.5 s after the upload (nothing runs), then both
    cores are busy for 5 s until the consumers' last move. Over the CPU window that is 10 / 6.5
    = 1.54 cores; while the import works it is 2 — and the CPU per row is the window's either
    way. PostgreSQL's backends: 1 s of CPU before the first row (the upload's), 2 s after."""
    window = procstat.CpuWindow({"customers": 1, "audit": 2}).start()
    machine.run(1.5, {})                             # the timer's wait
    working_from = [window.read(), {"seconds": 1.0}]
    machine.run(4.0, {1: 1.0, 2: 1.0})

    def wait_applied(on_move):
        machine.run(1.0, {1: 1.0, 2: 1.0})
        on_move()
        machine.run(2.0, {2: 0.1})                   # the drain's confirmation: not the job's
        return 1.0

    _, usage, _ = drain.cpu_until_applied(window, None, wait_applied)
    assert import_scale.cores_held(usage, None) == pytest.approx(10 / 6.5)
    assert import_scale.cores_held_working(window, None, [working_from[0], None]) \
        == pytest.approx(2.0)
    assert import_scale.cores_held_working(window, 3.0, working_from) == pytest.approx(2.4)


def test_without_a_drain_the_window_ends_when_the_job_stops_being_followed(machine):
    window = procstat.CpuWindow({"customers": 1}).start()
    machine.run(5.0, {1: 1.0})
    drained, usage, _ = drain.cpu_until_applied(window, None, None)
    assert drained is None and usage["wall_s"] == 5.0 and usage["cores"] == {"customers": 1.0}


def test_a_drain_that_times_out_ends_the_window_at_its_end(machine):
    window = procstat.CpuWindow({"customers": 1}).start()

    def stuck(on_move):
        on_move()
        machine.run(3.0, {1: 1.0})
        return None
    drained, usage, _ = drain.cpu_until_applied(window, None, stuck)
    assert drained is None and usage["wall_s"] == 3.0


def test_on_move_is_called_at_each_move_and_not_while_the_drain_confirms(monkeypatch):
    clock = type("Clock", (), {})()
    clock.now = 100.0
    clock.monotonic = lambda: clock.now
    clock.sleep = lambda seconds: setattr(clock, "now", clock.now + seconds)
    monkeypatch.setattr(drain, "time", clock)
    counts = iter([10, 20, 30, 30, 30, 30, 30, 30, 30, 30])
    monkeypatch.setattr(drain, "consumed", lambda urls, sources: next(counts))
    monkeypatch.setattr(drain, "ready", lambda uri, names: 0)
    vhost = type("Vhost", (), {"uri": "amqp://x/y", "queue_names": lambda self: ["q"],
                               "messages": lambda self: 0})()
    moves = []
    assert drain.wait_applied(vhost, ["u"], 60, on_move=lambda: moves.append(clock.now)) == 0.5
    assert moves == [100.0, 100.25, 100.5]


# --- PostgreSQL's processes -----------------------------------------------------------------

TITLES = {
    10: "postgres: 15/main: postgres crm_bench_r1_customers 127.0.0.1(50312) idle",
    11: "postgres: 15/main: postgres crm_bench_r1_audit 127.0.0.1(50314) INSERT",
    12: "postgres: 15/main: autovacuum worker crm_bench_r1_audit",
    13: "postgres: 15/main: parallel worker for PID 11",
    20: "postgres: 15/main: postgres crm_bench_other_audit 127.0.0.1(50400) idle",
    21: "postgres: 15/main: parallel worker for PID 20",
    30: "postgres: 15/main: checkpointer",
    31: "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main",
}


def test_postgres_processes_are_told_by_their_database_in_the_title(monkeypatch):
    monkeypatch.setattr(procstat, "pids_named", lambda comm: list(TITLES))
    monkeypatch.setattr(procstat, "title", TITLES.get)
    # utime 100 + stime 50 ticks, started at tick 7000 + pid
    monkeypatch.setattr(procstat, "_stat_fields", lambda pid: ["S"] + ["0"] * 10 + [
        "100", "50"] + ["0"] * 6 + [str(7000 + pid)])
    found = procstat.postgres_backends(["crm_bench_r1_customers", "crm_bench_r1_audit"])
    assert found == {(pid, 7000 + pid): 150 / procstat.CLOCK_TICKS for pid in (10, 11, 12, 13)}


def test_postgres_cpu_keeps_what_an_exited_backend_used_and_counts_a_new_one_whole(monkeypatch):
    samples = iter([
        {(10, 1): 5.0, (11, 1): 2.0},                      # start: their CPU so far is not ours
        {(10, 1): 6.0, (11, 1): 2.5, (12, 9): 0.3},        # 12 born in the window
        {(10, 1): 7.0, (12, 9): 0.4},                      # 11 closed (a pool's overflow)
        {(10, 1): 7.5, (12, 9): 0.4, (11, 20): 0.1},       # its pid reused by a new backend
    ])
    monkeypatch.setattr(procstat, "postgres_backends", lambda databases: next(samples))
    cpu = procstat.PostgresCpu(["crm_bench_r1_audit"], interval=3600)
    cpu.sample(starting=True)
    cpu.sample()
    cpu.sample()
    reading = cpu.read()
    # 10: 2.5, 11: 0.5 until its last sample, 12: 0.4, the new 11: 0.1; by name at both ends
    # this was 8.0 - 7.0 = 1.0: 11's 2 s before the window taken off the others' when it left
    assert reading == {"seconds": pytest.approx(3.5), "processes": 4, "exited": 1}
