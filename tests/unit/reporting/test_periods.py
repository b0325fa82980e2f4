"""Periods in the caller's time zone over UTC 15-minute buckets: midnight, DST, odd offsets."""
from datetime import date, datetime, timezone

import pytest

from services.chassis.errors import Invalid
from services.reporting.periods import Period, period
from services.reporting.rollups import bucket


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_an_event_before_midnight_utc_is_the_next_day_east_of_greenwich():
    berlin = Period(date(2025, 1, 1), date(2025, 1, 31), "Europe/Berlin", "day")
    assert berlin.label(bucket(utc(2025, 1, 14, 23, 30))) == date(2025, 1, 15)
    assert berlin.label(bucket(utc(2025, 1, 14, 22, 59))) == date(2025, 1, 14)
    new_york = Period(date(2025, 1, 1), date(2025, 1, 31), "America/New_York", "day")
    assert new_york.label(bucket(utc(2025, 1, 15, 3, 0))) == date(2025, 1, 14)


def test_days_around_dst_changes_have_23_and_25_hours():
    spring = Period(date(2024, 3, 10), date(2024, 3, 10), "America/New_York", "day")
    first, last = spring.utc_bounds()
    assert (last - first) == 23 * 3600
    assert first == int(utc(2024, 3, 10, 5).timestamp())
    autumn = Period(date(2024, 11, 3), date(2024, 11, 3), "America/New_York", "day")
    first, last = autumn.utc_bounds()
    assert (last - first) == 25 * 3600
    # 04:30 UTC is 00:30 EDT on Nov 3; 04:59 UTC the next day is still 23:59 EST on Nov 3.
    assert autumn.label(bucket(utc(2024, 11, 3, 4, 30))) == date(2024, 11, 3)
    assert autumn.label(bucket(utc(2024, 11, 4, 4, 59))) == date(2024, 11, 3)
    assert autumn.label(bucket(utc(2024, 11, 4, 5, 0))) == date(2024, 11, 4)


def test_quarter_hour_offsets_fall_on_bucket_boundaries():
    kathmandu = Period(date(2025, 1, 1), date(2025, 1, 2), "Asia/Kathmandu", "day")   # +05:45
    first, last = kathmandu.utc_bounds()
    assert first % 900 == 0 and last % 900 == 0
    assert kathmandu.label(bucket(utc(2024, 12, 31, 18, 15))) == date(2025, 1, 1)
    assert kathmandu.label(bucket(utc(2024, 12, 31, 18, 14))) == date(2024, 12, 31)


def test_weeks_start_on_monday_and_months_on_the_first():
    weeks = Period(date(2025, 1, 1), date(2025, 1, 20), "UTC", "week")
    assert weeks.labels() == [date(2024, 12, 30), date(2025, 1, 6), date(2025, 1, 13),
                              date(2025, 1, 20)]
    months = Period(date(2025, 1, 15), date(2025, 3, 2), "UTC", "month")
    assert months.labels() == [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
    total = Period(date(2025, 1, 15), date(2025, 3, 2), "UTC", "total")
    assert total.labels() == [date(2025, 1, 15)]
    assert total.label(bucket(utc(2025, 2, 1))) == date(2025, 1, 15)


def test_defaults_and_limits():
    default = period({"tz": "Asia/Tokyo"}, today=date(2025, 5, 31))
    assert (default.start, default.end, default.granularity) == (date(2025, 5, 2), date(2025, 5, 31), "day")
    at = period({"tz": "Asia/Tokyo"}, now=utc(2025, 5, 30, 15, 0))    # the 31st at 00:00 there
    assert (at.start, at.end) == (date(2025, 5, 2), date(2025, 5, 31))
    with pytest.raises(Invalid) as backwards:
        period({"from_": date(2025, 2, 1), "to": date(2025, 1, 1)})
    assert "from" in backwards.value.details
    with pytest.raises(Invalid):
        period({"from_": date(2000, 1, 1), "to": date(2025, 1, 1)})
