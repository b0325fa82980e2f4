"""bench/report.py renders the `hotpaths` group (bench/hotpaths.py) from results.json: the
table, the issues' goals beside the figures with met or not, a failed part shown as failed,
and a hot-paths-only run rendered without any database run."""
import json
from pathlib import Path

from bench import report

ROOT = Path(__file__).resolve().parents[3]

META = {"date": "2026-12-05 05:00 UTC", "commit": "abc1234", "cpu": "Test CPU", "cores": 2,
        "ram_gb": 8.0}


def hot(**overrides):
    results = {
        "meta": META, "loadavg_before": ["1.00", "1.00", "1.00"],
        "loadavg_after": ["2.00", "2.00", "2.00"],
        "sizes": {"sla_tickets": 100_000, "sla_due": [0, 100], "segment_contacts": 100_000,
                  "send_recipients": 2_000},
        "seconds": {"sla": 60.0, "segments": 120.0, "send": 90.0},
        "sla": {"tickets": 100_000, "alarms": 200_000, "fill_s": 40.0, "passes": [
            {"due": 0, "fired": 0, "seconds": 0.12}, {"due": 100, "fired": 100, "seconds": 5.0}]},
        "segments": {"contacts": 100_000, "chunk": 1000, "fill_s": 20.0, "create_ms": 30.0,
                     "backfill_contacts": 100_000, "backfill_s": 50.0,
                     "backfill_contacts_per_s": 2000.0, "events_during_backfill": 90,
                     "event_latency_median_ms": 40.0, "event_latency_max_ms": 400.0,
                     "count_ms": 1.5, "first_page_ms": 8.0, "members": 12_121,
                     "reevaluate_ms": [12.0, 75.0, 11.0], "members_after": 12_122},
        "send": {"recipients": 2_000, "replicas": 1, "sent": 2_000, "snapshot_s": 0.3,
                 "total_s": 40.0, "emails_per_s": 50.0, "steady_emails_per_s": 55.0,
                 "cpu_ms_per_email": {"senders": 15.0, "database": 5.0, "sink": 1.0},
                 "peak_rss_mb": {"senders": 100.0, "database backends (sum)": 500.0,
                                 "database backends (sum, private)": 50.0, "smtp sink": 26.0},
                 "machine_cores": 1.9, "exactly_once": True, "checks_failed": []},
    }
    results.update(overrides)
    return results


def table_row(text, starts):
    return next(line for line in text.splitlines() if line.startswith(f"| {starts}"))


def test_a_hot_paths_only_run_renders_the_table_with_goals_and_verdicts():
    text = report.render_all({"hotpaths": hot()})
    assert "## Hot paths of marketing and the service desk" in text
    nothing_due = table_row(text, "SLA timer pass, nothing due")
    assert "0.120 s" in nothing_due and "< 1 s at 100,000" in nothing_due and "**yes**" in nothing_due
    assert "50 ms a breach" in table_row(text, "SLA timer pass, 100 breaches due")
    assert "2,000 contacts/s" in table_row(text, "segment backfill")
    count = table_row(text, "segment count")
    assert "1.5 ms" in count and "1,000,000" in count and "**yes**" in count
    reevaluated = table_row(text, "one contact re-evaluated")
    assert "12.0 / 75.0 / 11.0 ms" in reevaluated and "**NO**" in reevaluated   # 75 ms ≥ 50
    assert "50.0 (40 s)" in table_row(text, "campaign send: emails/s overall")
    assert "100 / 500, 50 / 26" in table_row(text, "campaign send: peak RSS")
    assert "**yes**" in table_row(text, "campaign send: exactly once")
    assert "sla 60 s, segments 120 s, send 90 s" in text


def test_a_failed_part_and_a_failed_check_show_as_failed():
    send = dict(hot()["send"], exactly_once=False, checks_failed=["no Message-ID twice"])
    text = report.render_all({"hotpaths": hot(segments={"error": "RuntimeError: boom | bang"},
                                              send=send)})
    failed = table_row(text, "segments: failed")
    assert "RuntimeError: boom / bang" in failed and "**NO**" in failed
    assert "segment count" not in text
    once = table_row(text, "campaign send: exactly once")
    assert "failed: no Message-ID twice" in once and "**NO**" in once


def test_after_both_database_runs_the_hot_paths_come_once_at_the_end():
    runs = json.loads((ROOT / "bench" / "results.json").read_text())    # a full run's shape
    runs = {kind: runs[kind] for kind in ("sqlite", "postgresql") if kind in runs}
    text = report.render_all({**runs, "hotpaths": hot()})
    assert text.count("Hot paths of marketing and the service desk") == 1
    assert text.index("# Hot paths (PostgreSQL, once)") > text.index("# postgresql")
