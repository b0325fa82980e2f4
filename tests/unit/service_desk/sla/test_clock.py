"""The ticket's SLA clock and the policies, by example: pauses, resolve from pause, reopen, the
update rule, the 75 % warning, value-class policies."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.service_desk.sla.calendar import BusinessCalendar
from services.service_desk.sla.clock import StatusChange, evaluate
from services.service_desk.sla.policy import DEFAULT_POLICIES, PolicySet, SlaPolicy

UTC = timezone.utc
H = timedelta(hours=1)
BERLIN = ZoneInfo("Europe/Berlin")
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
CALENDAR = BusinessCalendar.build(
    "Europe/Berlin", {d: [("09:00", "12:00"), ("13:00", "18:00")] for d in WORKDAYS},
    holidays=[date(2026, 6, 19)])
MEDIUM = DEFAULT_POLICIES["medium"]  # 8 h first response, 24 h resolution


def at(day, hour, minute=0):  # June 2026 in Berlin: the 15th is a Monday, the 19th a holiday
    return datetime(2026, 6, day, hour, minute, tzinfo=BERLIN)


def change(day, hour, category, minute=0):
    return StatusChange(at(day, hour, minute), category)


def test_the_defaults_are_frappe_helpdesks():
    assert {p: (s.first_response, s.resolution) for p, s in DEFAULT_POLICIES.items()} == {
        "urgent": (H / 2, 2 * H), "high": (H, 4 * H), "medium": (8 * H, 24 * H), "low": (24 * H, 72 * H)}


def test_a_fresh_ticket_runs_both_clocks_and_warns_at_75_percent():
    sla = evaluate(MEDIUM, CALENDAR, at(15, 9), now=at(15, 10))
    assert sla.first_response.status == sla.resolution.status == "running"
    assert sla.first_response.due_at == at(15, 18) and sla.first_response.warn_at == at(15, 16)
    assert sla.resolution.due_at == at(17, 18)                    # three 8-hour days
    assert sla.first_response.consumed == sla.resolution.consumed == H
    assert sla.next_due == at(15, 18) and sla.next_warning == at(15, 16)
    assert not sla.breached and not sla.fulfilled and not sla.paused


def test_created_on_saturday_counts_from_monday():
    sla = evaluate(DEFAULT_POLICIES["urgent"], CALENDAR, at(13, 15), now=at(13, 16))
    assert sla.first_response.due_at == at(15, 9, 30) and sla.resolution.due_at == at(15, 11)
    assert sla.resolution.consumed == timedelta(0)


def test_a_pause_moves_the_due_by_the_business_time_it_covered():
    # Open Mon 09–11 (2 h), paused Mon 11 → Tue 10 (7 working hours), open again.
    changes = [change(15, 11, "paused"), change(16, 10, "open")]
    sla = evaluate(MEDIUM, CALENDAR, at(15, 9), changes, now=at(16, 11))
    assert sla.resolution.consumed == 3 * H
    assert sla.resolution.due_at == at(18, 17)  # 22 h left from Tue 10:00: Tue 7 h, Wed 8 h, Thu 7 h
    while_paused = evaluate(MEDIUM, CALENDAR, at(15, 9), changes[:1], now=at(16, 9))
    assert while_paused.paused and while_paused.resolution.status == "paused"
    assert while_paused.resolution.due_at is None and while_paused.next_due is None
    assert while_paused.resolution.consumed == 2 * H


def test_paused_then_resolved_directly_does_not_count_the_pause():
    changes = [change(15, 11, "paused"), change(22, 10, "resolved")]  # a week waiting on the customer
    sla = evaluate(MEDIUM, CALENDAR, at(15, 9), changes, replies=[at(15, 10)], now=at(22, 12))
    assert sla.resolution.status == "fulfilled" and sla.resolution.consumed == 2 * H
    assert sla.resolution.stopped_at == at(22, 10) and sla.resolution.due_at is None
    assert sla.fulfilled and not sla.breached


def test_resolving_late_is_a_breach_and_the_breach_instant_is_kept():
    urgent = DEFAULT_POLICIES["urgent"]
    sla = evaluate(urgent, CALENDAR, at(15, 9), [change(15, 14, "resolved")], replies=[at(15, 9, 20)],
                   now=at(15, 15))
    assert sla.first_response.status == "fulfilled"
    assert sla.resolution.status == "breached" and sla.resolution.due_at == at(15, 11)
    assert sla.breached and not sla.fulfilled


def test_a_breach_while_paused_stays_a_breach():
    sla = evaluate(DEFAULT_POLICIES["high"], CALENDAR, at(15, 9), [change(15, 14, "paused")], now=at(15, 15))
    assert sla.first_response.status == "breached" and sla.first_response.due_at == at(15, 10)
    assert sla.resolution.status == "breached" and sla.resolution.due_at == at(15, 14)


def test_a_reply_at_the_due_instant_is_in_time():
    sla = evaluate(MEDIUM, CALENDAR, at(15, 9), replies=[at(15, 18)], now=at(15, 18))
    assert sla.first_response.due_at == at(15, 18) and sla.first_response.status == "fulfilled"
    running = evaluate(MEDIUM, CALENDAR, at(15, 9), now=at(15, 18))
    assert running.first_response.status == "running"


def test_a_reply_after_the_due_but_in_the_same_lunch_break_is_late():
    sla = evaluate(SlaPolicy(3 * H, 8 * H), CALENDAR, at(15, 9), replies=[at(15, 12, 30)], now=at(15, 13))
    assert sla.first_response.due_at == at(15, 12) and sla.first_response.status == "breached"


def test_resolving_without_a_reply_answers_the_first_response_too():
    sla = evaluate(MEDIUM, CALENDAR, at(15, 9), [change(15, 10, "resolved")], now=at(15, 11))
    assert sla.first_response.status == "fulfilled" and sla.first_response.stopped_at == at(15, 10)


def test_a_reopened_ticket_resumes_its_resolution_clock():
    changes = [change(15, 11, "resolved"), change(15, 13, "resolved"),  # resolved → closed
               change(16, 9, "open")]                                     # the customer replies
    sla = evaluate(MEDIUM, CALENDAR, at(15, 9), changes, replies=[at(15, 10)], now=at(16, 10))
    assert sla.resolution.status == "running" and sla.resolution.consumed == 3 * H
    assert sla.resolution.due_at == at(18, 16)  # 22 h left from Tue 09:00: Tue 8 h, Wed 8 h, Thu 6 h
    closed = evaluate(MEDIUM, CALENDAR, at(15, 9), changes[:2], replies=[at(15, 10)], now=at(15, 14))
    assert closed.resolution.stopped_at == at(15, 11)  # resolved, not closed, stopped it


def test_the_holiday_is_skipped_by_due_instants():
    sla = evaluate(MEDIUM, CALENDAR, at(18, 9), now=at(18, 9))  # Thursday; Friday is a holiday
    assert sla.resolution.due_at == at(23, 18)


def test_the_update_rule_never_overrides_the_first_response():
    policy = SlaPolicy(first_response=8 * H, resolution=24 * H, update_every=2 * H)
    before = evaluate(policy, CALENDAR, at(15, 9), now=at(15, 14))
    assert before.update is None and before.update_breaches == 0
    assert before.first_response.status == "running" and before.next_due == at(15, 18)
    after = evaluate(policy, CALENDAR, at(15, 9), replies=[at(15, 14)], now=at(15, 15))
    assert after.first_response.status == "fulfilled"
    assert after.update.status == "running" and after.update.due_at == at(15, 16)
    assert after.next_due == at(15, 16)


def test_update_intervals_count_their_breaches_and_pause_like_the_others():
    policy = SlaPolicy(first_response=H, resolution=24 * H, update_every=2 * H)
    replies = [at(15, 9, 30), at(15, 14, 30), at(15, 15)]  # 4 working hours between the first two
    sla = evaluate(policy, CALENDAR, at(15, 9), [change(15, 15, "paused")], replies=replies, now=at(16, 17))
    assert sla.update_breaches == 1 and sla.breached
    assert sla.update.status == "paused" and sla.update.due_at is None


def test_class_a_policies_are_faster_and_only_faster():
    policies = PolicySet(by_class={"A": {"medium": SlaPolicy(2 * H, 8 * H)}})
    assert policies.policy_for("medium", "A") == SlaPolicy(2 * H, 8 * H)
    assert policies.policy_for("medium", "B") == policies.policy_for("medium") == MEDIUM
    assert policies.policy_for("urgent", "A") == DEFAULT_POLICIES["urgent"]
    with pytest.raises(ValueError, match="only be faster"):
        PolicySet(by_class={"A": {"urgent": SlaPolicy(H, 2 * H)}})
    with pytest.raises(ValueError, match="unknown priority"):
        policies.policy_for("critical")


@pytest.mark.parametrize("kwargs, message", [
    ({"first_response": timedelta(0), "resolution": H}, "positive"),
    ({"first_response": 2 * H, "resolution": H}, "cannot allow more time"),
    ({"first_response": H, "resolution": 2 * H, "update_every": -H}, "positive"),
])
def test_bad_policies_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SlaPolicy(**kwargs)


@pytest.mark.parametrize("changes, replies, message", [
    ([change(15, 10, "waiting")], [], "category"),
    ([change(15, 11, "paused"), change(15, 10, "open")], [], "time order"),
    ([change(15, 8, "paused")], [], "between the creation and now"),
    ([], [at(16, 9)], "between the creation and now"),
    ([StatusChange(datetime(2026, 6, 15, 10), "paused")], [], "aware"),
])
def test_bad_histories_are_refused(changes, replies, message):
    with pytest.raises(ValueError, match=message):
        evaluate(MEDIUM, CALENDAR, at(15, 9), changes, replies, now=at(15, 12))
