"""Business-hours calendars: the named pitfalls, by example (the properties are in test_properties)."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.service_desk.sla.calendar import (
    BusinessCalendar, add_business_time, business_time_between, is_working_time, next_working_instant,
    working_intervals_on)

UTC = timezone.utc
H = timedelta(hours=1)
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
SPLIT_DAY = [("09:00", "12:00"), ("13:00", "18:00")]  # 8 working hours


def office(zone, holidays=(), periods=SPLIT_DAY, days=WORKDAYS):
    return BusinessCalendar.build(zone, {day: periods for day in days}, holidays)


def local(zone, *fields):
    return datetime(*fields, tzinfo=ZoneInfo(zone))


BERLIN = office("Europe/Berlin")


def test_a_ticket_created_on_a_saturday_starts_its_clock_on_monday_morning():
    saturday = local("Europe/Berlin", 2026, 6, 13, 11, 0)
    assert not is_working_time(BERLIN, saturday)
    assert next_working_instant(BERLIN, saturday) == local("Europe/Berlin", 2026, 6, 15, 9, 0)
    assert add_business_time(BERLIN, saturday, 30 * timedelta(minutes=1)) == \
        local("Europe/Berlin", 2026, 6, 15, 9, 30)
    # 8 h = the whole Monday; ending exactly at a period's end gives that end, not Tuesday 09:00.
    assert add_business_time(BERLIN, saturday, 8 * H) == local("Europe/Berlin", 2026, 6, 15, 18, 0)
    assert business_time_between(BERLIN, saturday, local("Europe/Berlin", 2026, 6, 15, 9, 0)) == \
        timedelta(0)


def test_a_ticket_created_on_a_holiday_starts_at_the_next_working_day():
    calendar = office("Europe/Berlin", holidays=[date(2026, 12, 24), date(2026, 12, 25)])
    christmas_eve = local("Europe/Berlin", 2026, 12, 24, 10, 0)  # a Thursday
    assert not is_working_time(calendar, christmas_eve)
    assert add_business_time(calendar, christmas_eve, 4 * H) == local("Europe/Berlin", 2026, 12, 28, 14, 0)


def test_lunch_break_and_evening_are_skipped():
    morning = local("Europe/Berlin", 2026, 6, 15, 11, 0)
    assert add_business_time(BERLIN, morning, 2 * H) == local("Europe/Berlin", 2026, 6, 15, 14, 0)
    assert add_business_time(BERLIN, morning, 7 * H) == local("Europe/Berlin", 2026, 6, 16, 10, 0)
    assert business_time_between(BERLIN, morning, local("Europe/Berlin", 2026, 6, 16, 10, 0)) == 7 * H
    assert not is_working_time(BERLIN, local("Europe/Berlin", 2026, 6, 15, 12, 30))
    assert is_working_time(BERLIN, local("Europe/Berlin", 2026, 6, 15, 17, 59))
    assert not is_working_time(BERLIN, local("Europe/Berlin", 2026, 6, 15, 18, 0))


@pytest.mark.parametrize("zone, spring, autumn", [
    ("Europe/Berlin", date(2026, 3, 29), date(2026, 10, 25)),     # changes at 02:00/03:00 local
    ("America/New_York", date(2026, 3, 8), date(2026, 11, 1)),
])
def test_dst_days_last_their_real_length(zone, spring, autumn):
    around_the_clock = office(zone, periods=[("00:00", "24:00")], days=range(7))
    assert sum_of(working_intervals_on(around_the_clock, spring)) == 23 * H
    assert sum_of(working_intervals_on(around_the_clock, autumn)) == 25 * H
    # A period containing the change: its real time, one hour shorter / longer.
    night = office(zone, periods=[("01:00", "04:00")], days=range(7))
    assert sum_of(working_intervals_on(night, spring)) == 2 * H
    assert sum_of(working_intervals_on(night, autumn)) == 4 * H
    # Office hours away from the change are untouched, and the due instant is local 10:00.
    sunday_office = office(zone, periods=[("09:00", "18:00")], days=range(7))
    for day in (spring, autumn):
        start = datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo(zone))
        assert sum_of(working_intervals_on(sunday_office, day)) == 9 * H
        assert add_business_time(sunday_office, start, 10 * H) == start + timedelta(days=1) + H


def test_a_period_inside_the_repeated_hour_counts_both_passes_and_not_the_gap_between():
    # Berlin, 2026-10-25: the wall clock shows 02:00–03:00 twice; 02:30–03:30 is 02:30–03:00 CEST,
    # then (after going back to 02:00 CET) 02:30–03:30 CET, not 02:00–02:30 CET.
    calendar = office("Europe/Berlin", periods=[("02:30", "03:30")], days=["sun"])
    assert working_intervals_on(calendar, date(2026, 10, 25)) == (
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 1, 0, tzinfo=UTC)),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), datetime(2026, 10, 25, 2, 30, tzinfo=UTC)))
    # And in spring, 02:00–03:00 never happens: 02:30–03:30 is only 03:00–03:30 CEST.
    assert working_intervals_on(calendar, date(2026, 3, 29)) == (
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),)


def test_a_due_instant_across_the_spring_forward_night():
    calendar = office("America/New_York", periods=[("20:00", "24:00")], days=range(7))
    saturday_eve = local("America/New_York", 2026, 3, 7, 23, 0)
    # 1 h on Saturday night, the Sunday period 20:00–24:00 is 4 real hours (the change is at 02:00).
    assert add_business_time(calendar, saturday_eve, 3 * H) == local("America/New_York", 2026, 3, 8, 22, 0)


def test_calendars_in_different_time_zones_see_the_same_instant_differently():
    shanghai = office("Asia/Shanghai")
    in_utc = office("UTC")
    instant = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai, 02:00 in UTC
    assert is_working_time(shanghai, instant) and not is_working_time(in_utc, instant)
    assert add_business_time(shanghai, instant, 3 * H) == datetime(2026, 6, 15, 6, 0, tzinfo=UTC)  # 14:00
    assert add_business_time(in_utc, instant, 3 * H) == datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    # Friday 17:00 UTC is already Saturday 01:00 in Shanghai: the clock waits for Monday there.
    friday = datetime(2026, 6, 19, 17, 0, tzinfo=UTC)
    assert next_working_instant(shanghai, friday) == datetime(2026, 6, 22, 1, 0, tzinfo=UTC)
    assert next_working_instant(in_utc, friday) == friday


def test_results_are_utc_and_naive_instants_are_refused():
    result = add_business_time(BERLIN, local("Europe/Berlin", 2026, 6, 15, 9, 0), H)
    assert result.tzinfo == UTC and result == local("Europe/Berlin", 2026, 6, 15, 10, 0)
    with pytest.raises(ValueError, match="aware"):
        add_business_time(BERLIN, datetime(2026, 6, 15, 9), H)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(BERLIN, result, -H)
    assert business_time_between(BERLIN, result, result - H) == timedelta(0)


@pytest.mark.parametrize("zone, week, message", [
    ("Mars/Olympus", {"mon": SPLIT_DAY}, "unknown time zone"),
    ("UTC", {"mon": [("09:00", "12:00"), ("11:00", "13:00")]}, "overlapping"),
    ("UTC", {"mon": [("18:00", "09:00")]}, "non-empty"),
    ("UTC", {"mon": [("9", "12:00")]}, "HH:MM"),
    ("UTC", {"mon": [("09:00", "24:30")]}, "between 00:00 and 24:00"),
    ("UTC", {"mon": []}, "at least one working period"),
])
def test_bad_calendars_are_refused_precisely(zone, week, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.build(zone, week)


def test_a_calendar_whose_every_day_is_a_holiday_stops_instead_of_looping():
    start = date(2026, 1, 1)
    calendar = office("UTC", holidays=[start + timedelta(days=n) for n in range(4 * 366)])
    with pytest.raises(ValueError, match="no working time"):
        add_business_time(calendar, datetime(2026, 1, 1, tzinfo=UTC), H)


def sum_of(intervals):
    return sum((b - a for a, b in intervals), timedelta(0))
