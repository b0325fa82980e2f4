"""scripts/demo_extras.py's pure parts: the tasks' due times relative to the run's clock (the
console shows due / overdue relative to now), the banner's staff logins, what counts as a
failed extras load (no API)."""
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import demo_extras  # noqa: E402

UTC = timezone.utc


def test_two_tasks_are_overdue_two_due_later_today_and_one_next_week_at_midday():
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    due = demo_extras.task_due_times(now)
    assert due["overdue_days"] == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    assert due["overdue_hours"] == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert due["today_soon"] == datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
    assert due["today_end"] == datetime(2026, 3, 10, 23, 59, 59, tzinfo=UTC)
    assert due["next_week"] == datetime(2026, 3, 17, 12, 0, tzinfo=UTC)
    assert [k for k in demo_extras.TASKS_DUE_KEYS if due[k] < now] == ["overdue_days", "overdue_hours"]


def test_late_in_the_day_the_due_today_tasks_stay_today_and_not_in_the_past():
    now = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    due = demo_extras.task_due_times(now)
    for key in ("today_soon", "today_end"):
        assert due[key].date() == now.date() and due[key] >= now
    assert due["today_soon"] == datetime(2026, 3, 10, 23, 59, 59, tzinfo=UTC)


def test_a_clock_in_another_zone_is_read_in_utc():
    now = datetime(2026, 3, 11, 1, 0, tzinfo=timezone(timedelta(hours=8)))   # 10 March, 17:00 UTC
    due = demo_extras.task_due_times(now)
    assert due["today_end"] == datetime(2026, 3, 10, 23, 59, 59, tzinfo=UTC)
    assert demo_extras.iso(due["today_soon"]) == "2026-03-10T18:00:00Z"


def test_every_task_names_a_due_time_and_one_of_the_top_reps_accounts():
    assert {when for *_rest, when in demo_extras.TASKS} == set(demo_extras.TASKS_DUE_KEYS)


def test_the_banner_lists_the_dataset_manager_and_the_synthetic_staff_as_such():
    lines = demo_extras.staff_logins("Melvin Marxen", "Darcel Schlecht")
    assert lines == [
        "melvin.marxen@example.com  (Melvin Marxen, manager, Darcel Schlecht's team; from the dataset)",
        "mei.lindqvist@example.com  (Mei Lindqvist, agent; synthetic)",
        "sam.okafor@example.com  (Sam Okafor, support_manager; synthetic)",
        "ava.marchetti@example.com  (Ava Marchetti, marketer; synthetic)"]


def test_an_extras_load_failed_when_any_record_or_step_failed():
    fine = {"synthetic": True, "tickets": [{"key": "a", "status": "created"}],
            "tasks": [{"key": "b", "status": "exists"}], "surveys": "skipped: ..."}
    assert not demo_extras.failed(fine)
    assert demo_extras.failed({**fine, "tickets": [{"key": "a", "status": "failed"}]})
    assert demo_extras.failed({**fine, "errors": ["load_marketing: HTTP 503"]})
    assert not demo_extras.failed({})
