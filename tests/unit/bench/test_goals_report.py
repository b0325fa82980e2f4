"""bench/goals.py's goals table (issue 15), as bench/report.py opens RESULTS.md with it, and
the import's section, from a small fixture of results: each goal met or not by its own
figures, the read and write as a ratio to the monolith, the import (bench/import_scale.py's
figures) in the side-by-side table and in each database's section, a failed import shown as
failed."""
import copy

from bench import report
from bench.goals import goal_rows

META = {"date": "2026-12-05 18:00 UTC", "commit": "abc1234", "cpu": "Test CPU", "cores": 2,
        "ram_gb": 8.0, "kernel": "6.0", "python": "3.11", "sqlite": "3.40", "wrk": "wrk 4.1",
        "loadavg_before": ["1.00", "1.00", "1.00"], "loadavg_after": ["2.00", "2.00", "2.00"]}
SETTINGS = {"runs": 3, "duration": 10, "list_duration": 6, "warmup": 3, "connections": 16,
            "list_connections": 8, "sizes": [10_000, 1_000_000], "reporting": "yes"}


def run(rps, p95=10.0, p99=20.0, title="a scenario", errors=0):
    median = {"rps": rps, "p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p99, "errors": errors,
              "statuses": {"200": 1000}, "wrk_cpu_cores": 0.02, "other_cores": 0.01,
              "service_cores": {"gateway": 0.5, "customers": 0.4},
              "rss_peak_mb": {"gateway": 140.0, "customers": 90.0}}
    return {"scenario": {"title": title}, "median": median, "runs": []}


def imported(end_to_end=346, processing=591):
    """bench/import_scale.py measure()'s shape, figures of the fifth session's SQLite run."""
    return {
        "rows": 10_000, "bytes": 900_000, "database": "sqlite", "batch_rows": 500, "reps": 5,
        "loadavg_before": ["1.50", "1.00", "1.00"], "loadavg_after": ["2.50", "1.50", "1.00"],
        "seconds": 75.0,
        "upload": {"seconds": 0.2, "rows_per_s": 44_672, "mib_per_s": 4.1,
                   "peak_rss_mb": {"gateway": 141, "customers": 90}},
        "processing": {
            "status": "done", "processed_rows": 10_000, "created": 9_970, "duplicates": 20,
            "failed": 10, "window_rows": 9_500, "window_seconds": 16.1,
            "rows_per_s": processing, "cores": {"customers": 0.4, "rabbitmq": 0.07},
            "drain_seconds": 11.4, "end_to_end_rows_per_s": end_to_end,
            "cpu_window_seconds": 30.0, "cpu_rows": 10_000,
            "cpu_ms_per_row": {"others (rest of the machine)": 1.5, "customers": 1.08,
                               "reporting": 0.41, "rabbitmq": 0.19},
            "cpu_ms_per_row_total": 1.68, "cores_held": 0.56, "cores_held_since_upload": 0.5,
            "other_cores": 0.5},
        "peak_rss_mb": {"gateway": 141, "customers": 102},
        "report": {"expected": {"created": 9_970, "duplicates": 20, "failed": 10},
                   "counts": {"created": 9_970, "duplicates": 20, "failed": 10},
                   "first_failed_row": 998, "ok": True}}


def results(database="sqlite", ceiling=2000, read=1100, read_p99=40.0, write=320,
            monolith_read=2200, monolith_write=640, drain=4682, freshness=0.08,
            search_word_1m=60.0, read_p95_1m=20.0, with_import=True):
    """A database's results: read ≥ 0.50× ceiling with p99 < 50 ms, write ≥ 0.15×, events
    and freshness met; list_first met, search_word's p95 at 1M 6× its 10k one (not met)."""
    big_read = run(read, p95=read_p95_1m, p99=read_p99, title="GET at 1,000,000 customers")
    scenarios = {"ceiling": run(ceiling), "read": run(read, p99=read_p99,
                                                      title="GET at 10,000 customers"),
                 "write": run(write), "monolith_read": run(monolith_read),
                 "monolith_write": run(monolith_write), "read@1000000": big_read}
    lists = {"list_first": {"title": "first page", "list_first@10000": run(400, p95=12.0),
                            "list_first@1000000": run(390, p95=14.0)},
             "search_word": {"title": "a common word", "search_word@10000": run(300, p95=10.0),
                             "search_word@1000000": run(60, p95=search_word_1m)}}
    out = {"meta": META, "settings": dict(SETTINGS, database=database), "scenarios": scenarios,
           "lists": lists, "explain": {}, "profiles": {}, "seed": {}, "notes": [],
           "events": {"freshness": {"events": 100, "applied": 100, "missing": 0, "types": [],
                                    "ignored_types": [], "p50_s": 0.03, "p95_s": 0.06,
                                    "p99_s": freshness, "max_s": 0.1},
                      "drain": {"events": 16_000, "written": 8_000, "span_s": 3.4,
                                "events_per_s": drain}},
           "memory": {"idle_start": {"gateway": 139.0, "customers": 83.0, "reporting": 235.0,
                                     "rabbitmq": 216.0}}}
    if with_import:
        out["import"] = imported()
    return out


def goals(results_):
    return {key: (value, met, monolith) for key, _label, _target, value, met, monolith
            in goal_rows(results_)}


def test_goals_met_and_not_met_from_the_runs_figures():
    g = goals(results())
    value, met, monolith = g["read"]
    assert met is True and "0.55× ceiling" in value and "p99 40.0 ms" in value
    assert monolith.startswith("0.50×")                         # 1,100 / 2,200
    assert g["write"][1] is True and g["write"][2].startswith("0.50×")   # 320 / 640; 0.16× ceiling
    assert g["read@1000000"][1] is True and g["read@1000000"][2] == ""   # no monolith at 1M
    assert g["events"][1] is True and g["freshness"][1] is True
    assert g["list:list_first"][1] is True
    assert g["list:search_word"][1] is False and "6.0× at 10,000" in g["list:search_word"][0]
    assert g["lists"][1] is False and g["lists"][0].startswith("1 of 2 shapes")
    assert g["import"][1] is False and g["import"][0].startswith("346 rows/s")
    assert g["import_report"][1] is True and "as the file has" in g["import_report"][0]
    assert g["rss"][1] is False and "reporting 235 MB" in g["rss"][0]   # rabbitmq not a service


def test_each_goal_misses_on_its_own_figure():
    g = goals(results(read_p99=60.0, write=290, drain=1500, freshness=1.2,
                      search_word_1m=30.0))
    assert g["read"][1] is False                      # 0.55× ceiling, but p99 60 ms
    assert g["write"][1] is False                     # 290 / 2,000 = 0.145×
    assert g["events"][1] is False and g["freshness"][1] is False
    # each of the list's two goals counts on its own
    g = goals(results(search_word_1m=19.0))           # 1.9× its 10k p95, 0.95× the read's
    assert g["list:search_word"][1] is True
    g = goals(results(search_word_1m=25.0))           # 2.5× its 10k p95, 1.25× the read's
    assert g["list:search_word"][1] is False
    g = goals(results(search_word_1m=19.0, read_p95_1m=10.0))   # 1.9×, but 1.9× the read's
    assert g["list:search_word"][1] is False and "1.9× the read's" in g["list:search_word"][0]
    fast = results()
    fast["import"]["processing"]["end_to_end_rows_per_s"] = 2100
    assert goals(fast)["import"][1] is True


def test_unmeasured_goals_show_as_such_not_as_met():
    bare = results(with_import=False)
    bare["events"] = None
    del bare["scenarios"]["monolith_write"]
    g = goals(bare)
    assert g["events"] == ("not measured", None, "") and g["freshness"][1] is None
    assert g["write"][2] == "" and "import" not in g


def test_a_failed_or_unfinished_import_is_a_miss():
    failed = results()
    failed["import"] = {"rows": 10_000, "database": "sqlite", "error": "RuntimeError: a | b"}
    assert goals(failed)["import"] == ("failed: RuntimeError: a / b", False, "")
    text = report.render(failed)
    assert "**failed** (10,000 rows): RuntimeError: a / b" in text
    unfinished = results()
    unfinished["import"]["processing"].update(status="running", end_to_end_rows_per_s=None,
                                              processed_rows=6_000)
    value, met, _ = goals(unfinished)["import"]
    assert met is False and value.startswith("not finished (running, 6,000 rows)")


def row(text, starts):
    return next(line for line in text.splitlines() if line.startswith(f"| {starts}"))


def test_both_databases_open_with_one_goals_table_then_side_by_side():
    postgres = results("postgresql", read=900, write=250)
    postgres["import"] = copy.deepcopy(postgres["import"])
    postgres["import"]["processing"]["cpu_ms_per_row"]["postgres (all backends)"] = 1.06
    text = report.render_all({"sqlite": results(), "postgresql": postgres})
    assert text.count("## Goals (issue 15)") == 1
    assert text.index("## Goals (issue 15)") < text.index("## SQLite and PostgreSQL side by side")
    assert "| goal | target | sqlite | met | × monolith | postgresql | met | × monolith |" in text
    read = row(text, "read: GET customer through the gateway (10,000 customers)")
    assert "≥ 0.50× ceiling, p99 < 50 ms" in read
    assert "1,100 req/s = 0.55× ceiling" in read and "900 req/s = 0.45× ceiling" in read
    assert read.count("**yes**") == 1 and read.count("**NO**") == 1
    assert "0.41× (2,200 req/s)" in read                         # 900 / 2,200
    # the import in the side-by-side table, both databases' figures
    assert "| 44,672 |  |  |  | 44,672 |" in row(text, "import (10,000 rows): rows/s, upload")
    assert "| 346 |" in row(text, "import (10,000 rows): rows/s, end to end")
    assert "| 1.68 |" in row(text, "import (10,000 rows): CPU ms per row, the system's processes")
    assert "| – |  |  |  | 1.06 |" in row(text, "import: CPU ms per row, postgres (all backends)")
    assert "others" not in row(text, "import: CPU ms per row, customers")
    # each database's own section, headings one level down
    assert text.count("### Bulk import (issue 15 §5)") == 2
    assert "| 141 / 102 |" in row(text, "peak RSS MB: gateway / customers")
    assert "| 0.56 |" in row(text, "cores held by them while the job works")
    assert "| 0.50 |" in row(text, "… over the CPU window, 30.0 s from the upload's end")
    customers = row(text, "customers |")
    assert "| 1.08 | 0.36 |" in customers                        # 1.08 ms × 10,000 / 30 s
    assert "**import (10,000 rows, one job)**: 346 rows/s end to end" in text
    assert "heaviest (ms a row): customers 1.08, reporting 0.41, rabbitmq 0.19." in text
    assert "| (others (rest of the machine), not the system) | (1.50) | (0.50) |" in text


def test_one_database_report_opens_with_its_own_goals_table():
    text = report.render(results())
    assert text.count("## Goals (issue 15)") == 1
    assert text.index("## Goals (issue 15)") < text.index("## Machine and method")
    assert "| goal | target | sqlite | met | × monolith |" in text
    assert "## Bulk import (issue 15 §5)" in text
    assert "| per-row report: counts as the file has, first failed row listed (998) | **yes** |" in text


def test_the_side_by_side_table_shows_the_hosts_pace_against_the_ceilings_and_flags_a_drift():
    sqlite, postgres = results(), results("postgresql")
    sqlite["scenarios"]["ceiling"]["pace_ms"] = 4.0
    sqlite["scenarios"]["read"]["pace_ms"] = 4.2                   # 1.05: within the noise
    sqlite["scenarios"]["write"]["pace_ms"] = 6.0                  # 1.50: the host slowed
    postgres["scenarios"]["ceiling"]["pace_ms"] = 4.0
    postgres["lists"]["search_word"]["search_word@1000000"]["pace_ms"] = 3.0   # 0.75: faster
    text = report.render_all({"sqlite": sqlite, "postgresql": postgres})
    assert "| 1.05 |" in row(text, "read |")
    assert "| **1.50** |" in row(text, "write |")
    assert row(text, "search_word@1000000 |").endswith("| **0.75** |")
    assert row(text, "ceiling |").endswith("| 1.00 |")           # the reference itself
    assert "| – |" in row(text, "monolith_read |")                # a run from before bench/pace.py


def test_the_pace_probe_times_the_loop_and_the_ratio_reads_slower_above_one():
    from bench import pace
    assert 0 < pace.probe(iterations=1_000, repeats=2) < 1_000
    assert pace.relative(5.0, 4.0) == 1.25 and pace.relative(None, 4.0) is None
    assert pace.drifted(1.25) and pace.drifted(0.8) and not pace.drifted(1.1)
