"""bench/limits.py: the CPU a goal leaves a request on the machine's cores against what the
path, the bare hop and the one-process monolith spent in the same run."""
from bench import limits
from bench.goals import GOALS


def median(rps, others=0.0, **cores):
    return {"median": {"rps": rps, "service_cores": cores, "other_cores": others}}


def results(monolith_read_cores=0.9, import_ms=2.0):
    scenarios = {
        "ceiling": median(2000, bench_http=1.0),
        # 600 req/s on 1.8 cores of its own (3.0 ms), an idle service beside it not counted
        "hop": median(600, bench_http=0.75, bench_echo=0.5, rabbitmq=0.55, customers=0.3),
        "read": median(400, others=0.04, gateway=0.8, customers=0.6, rabbitmq=0.2),
        "monolith_read": median(800, others=0.08, bench_monolith=monolith_read_cores),
        "write": median(100, gateway=0.2, customers=0.4, rabbitmq=0.3, audit=0.3, reporting=0.2),
        "monolith_write": median(300, bench_monolith=0.9),
    }
    processing = {"cpu_ms_per_row_total": import_ms,
                  "cpu_ms_per_row": {"customers": 0.8, "reporting": 0.5, "audit": 0.4,
                                     "others (rest of the machine)": 0.9}}
    return {"meta": {"cores": 2}, "scenarios": scenarios, "import": {"processing": processing}}


def test_budgets_and_what_each_path_spent():
    read, write, imported = limits.limit_lines(results(), GOALS)
    # 2 cores × 1000 / (0.50 × 2,000 req/s) = 2.00 ms; 1.6 cores / 400 req/s = 4.00 ms
    assert "leaves **2.00 ms**" in read and "spent **4.00 ms (gateway 2.00, customers 1.50," in read
    assert "the rest of the machine 0.10)" in read
    assert "bare hop alone (one RPC, no work) 3.00 ms — over the budget" in read
    # (0.9 + 0.08) cores / 800 req/s = 1.23 ms, within 2.00
    assert "the same read in one process 1.23 ms" in read and "within the budget" in read
    # 0.15 × 2,000 = 300/s → 6.67 ms; 1.4 cores / 100 = 14 ms; audit + reporting 5 ms
    assert "leaves **6.67 ms**" in write and "spent **14.00 ms" in write
    assert "(5.00 ms of them)" in write and "in one process 3.00 ms" in write
    assert "leaves **1.00 ms** of CPU a row" in imported and "spent **2.00 ms**" in imported
    assert "at most 1,000 rows/s — 4.0 cores" in imported and "others" not in imported
    assert "held" not in imported                      # a run from before cores held while working


def test_the_import_says_how_many_cores_it_held_while_it_worked():
    measured = results()
    measured["import"]["processing"].update(cores_held=1.62, cores_held_since_upload=1.31)
    imported = limits.limit_lines(measured, GOALS)[2]
    assert ("splits them into replicas); while it worked (its first processed row to the "
            "consumers' last move) it held 1.62 of the 2 cores. What would pass: 4.0 cores at "
            "this cost") in imported


def test_each_missed_path_says_what_would_pass():
    read, write, imported = limits.limit_lines(results(), GOALS)
    assert "What would pass: a read that does not cross the broker" in read
    assert "the read's own work cheaper" not in read              # the monolith's is within
    over = limits.limit_lines(results(monolith_read_cores=1.9), GOALS)[0]
    assert "and the read's own work cheaper than the budget (2.48 ms in one process" in over
    # the consumers (audit, reporting) 5.00 ms a write; in the import 0.9 ms a row (audit 0.4,
    # reporting 0.5; customers and the rest of the machine not theirs); 3.00 + 0.90 within 6.67
    assert "spent 5.00 ms a write on its two events and 0.90 ms a row on the same two" in write
    assert "the write in one process plus that is 3.90 ms, within the budget." in write
    assert "What would pass: 4.0 cores at this cost" in imported
    cheap = results(import_ms=0.9)
    cheap["import"]["processing"]["end_to_end_rows_per_s"] = 1_800
    assert "The cores allow it at this cost; what is short is the cores held" in \
        limits.limit_lines(cheap, GOALS)[2]
    cheap["import"]["processing"]["end_to_end_rows_per_s"] = 2_050
    assert limits.limit_lines(cheap, GOALS)[2].endswith("Met: 2,050 rows/s end to end.")


def test_a_monolith_over_the_budget_says_the_work_must_shrink():
    read = limits.limit_lines(results(monolith_read_cores=1.0), GOALS)[0]
    # (1.0 + 0.08) / 800 = 1.35 ms: within; at 1.9 cores of its own it is not
    assert "within the budget" in read
    read = limits.limit_lines(results(monolith_read_cores=1.9), GOALS)[0]
    assert "over it too: the work itself, not only the bus, has to shrink" in read


def test_unmeasured_paths_are_left_out():
    bare = results()
    del bare["scenarios"]["write"], bare["import"]
    assert [line.split("**")[1] for line in limits.limit_lines(bare, GOALS)] == ["read"]


def test_a_missed_list_shape_and_memory_are_explained_with_the_runs_own_figures():
    from bench.goals import ListShape
    run = results()
    run["settings"] = {"database": "sqlite", "sizes": [10_000, 1_000_000]}
    # 10,000 seeded, then 12,000 written through the API, then topped up to a million
    run["seed"] = {"10000": {"rows": 10_000, "inserted": 10_000},
                   "1000000": {"rows": 1_000_000, "inserted": 978_000}}
    run["explain"] = {"search_word": {"10000": {"handler_ms": 4.2}, "1000000": {"handler_ms": 14.3}}}
    run["memory"] = {"idle_start": {"reporting": 235.0, "customers": 85.0, "rabbitmq": 300.0}}
    word = ListShape("search_word", "free text, common word", 82.0, 1.74, 2.05, False)
    first = ListShape("list_first", "first page", 33.0, 1.0, 0.8, True)
    lines = limits.limit_lines(run, GOALS, [word, first], names=("reporting", "customers"))
    listed, memory = lines[-2], lines[-1]
    assert listed.startswith("**list, free text, common word**: p95 82.0 ms at 1,000,000")
    assert "1.7× its figure at the smallest size and 2.0× the read's" in listed
    assert "handler alone (in-process, no RPC) 4.2 → 14.3 ms" in listed
    assert "the newest 12,000 (this run's own" in listed and "FTS5" in listed
    assert not any("first page" in line for line in lines)                 # met: no line
    assert memory.startswith("**memory**: reporting 235 MB idle")           # not the broker's
    assert "REPORTING_PRELOAD_ANALYTICS" in memory and "customers" not in memory
    run["settings"]["database"] = "postgresql"
    assert "pg_trgm" in limits.limit_lines(run, GOALS, [word], names=("reporting",))[-2]
    assert "What would pass: an index that yields the word's rows newest first" in \
        limits.limit_lines(run, GOALS, [word], names=("reporting",))[-2]
    assert "What would pass" not in listed                                 # SQLite's has its FTS5
    assert "What passes: `REPORTING_PRELOAD_ANALYTICS=false`" in memory
    run["memory"]["idle_start"]["reporting"] = 90.0
    assert not any(line.startswith("**memory**")
                   for line in limits.limit_lines(run, GOALS, [word], names=("reporting",)))


def test_another_missed_shape_says_whether_it_grows_with_the_table_and_what_would_pass():
    from bench.goals import ListShape
    run = results()
    run["settings"] = {"database": "postgresql", "sizes": [10_000, 1_000_000]}
    run["explain"] = {}
    # over the read only: 84.2 ms against 1.5 × the read's 55.0 (= 84.2 / 1.531) = 82.5 ms
    combo = ListShape("list_combo", "filter region + stage + value class", 84.2, 1.1, 1.531, False)
    line = limits.limit_lines(run, GOALS, [combo])[-1]
    assert line.startswith("**list, filter region + stage + value class**: p95 84.2 ms")
    assert "1.1× its figure at the smallest size and 1.53× the read's" in line   # not "1.5×"
    assert "It does not grow with the table" in line and "grows with the table:" not in line
    assert "What would pass: the page 1.7 ms faster at p95 (≤ 82.5 ms, 1.5× the read's 55.0 ms)" \
        in line
    grown = ListShape("list_combo", "filter region + stage + value class", 84.2, 2.6, 1.2, False)
    line = limits.limit_lines(run, GOALS, [grown])[-1]
    assert "It grows with the table" in line and "a walk of a (filter, sort, id) index" in line
