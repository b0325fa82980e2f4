"""Business-hours calendars and the business-time arithmetic on them.

A calendar is an IANA time zone, working periods per weekday in local wall-clock time (several a
day, e.g. 09:00–12:00 and 13:00–18:00) and holidays (local dates without working time).

What a period means, DST included: an instant is working time when the local wall clock at that
instant shows a working date and a time inside one of that weekday's periods. A period is thus the
real time during which the wall clock reads inside it. On a normal day 09:00–18:00 is 9 hours; a
period that spans a DST change is an hour shorter in spring (the skipped wall-clock hour never
happens) and an hour longer in autumn (the repeated wall-clock hour happens twice and counts
twice); periods away from the change (02:00–03:00 in Berlin) are unaffected. "24:00" ends a
period at the next midnight, so a calendar of 00:00–24:00 every day counts real elapsed time.

Instants in and out are timezone-aware; results are aware UTC. Durations are `timedelta`s.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc
DAY = timedelta(days=1)
# A calendar whose working time is further away than this is a configuration mistake (say, every
# weekday without periods, or all days holidays); the arithmetic stops there instead of looping.
HORIZON_DAYS = 3 * 366
# Real UTC offsets lie within -12:00..+14:00; a local date's instants lie within these bounds.
_EARLIEST_OFFSET, _LATEST_OFFSET = timedelta(hours=-13), timedelta(hours=15)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_clock(text: str) -> int:
    """"HH:MM" (00:00–24:00) → seconds after local midnight."""
    try:
        hours, minutes = text.split(":")
        seconds = int(hours) * 3600 + int(minutes) * 60
    except ValueError:
        raise ValueError(f"{text!r} is not a time of day HH:MM") from None
    if not (0 <= int(minutes) < 60 and 0 <= seconds <= 86400 and len(minutes) == 2):
        raise ValueError(f"{text!r} is not a time of day between 00:00 and 24:00")
    return seconds


@dataclass(frozen=True)
class BusinessCalendar:
    """Immutable and hashable, so that each local date's working intervals are computed once."""

    zone: ZoneInfo
    week: tuple[tuple[tuple[int, int], ...], ...]  # per weekday (Monday first): (start, end) seconds
    holidays: frozenset[date] = frozenset()

    def __post_init__(self):
        if len(self.week) != 7:
            raise ValueError("a calendar has periods for the 7 weekdays, Monday first")
        for day, periods in zip(WEEKDAYS, self.week):
            previous_end = 0
            for start, end in periods:
                if not (previous_end <= start < end <= 86400):
                    raise ValueError(f"{day}: periods must be non-empty, sorted and not overlapping")
                previous_end = end
        if not any(self.week):
            raise ValueError("a calendar needs at least one working period")

    @classmethod
    def build(cls, zone: str, week: dict, holidays=()) -> BusinessCalendar:
        """From plain data: `week` maps "mon".."sun" (or 0..6) to [("09:00", "12:00"), ...]."""
        try:
            tz = ZoneInfo(zone)
        except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
            raise ValueError(f"unknown time zone {zone!r}") from None
        days = [()] * 7
        for key, periods in week.items():
            index = WEEKDAYS.index(key) if isinstance(key, str) else int(key)
            days[index] = tuple(sorted((parse_clock(a), parse_clock(b)) for a, b in periods))
        return cls(tz, tuple(days), frozenset(holidays))

    def periods_on(self, day: date) -> tuple[tuple[int, int], ...]:
        return () if day in self.holidays else self.week[day.weekday()]


def _require_aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instants must be timezone-aware")
    return instant.astimezone(UTC)


def is_working_time(calendar: BusinessCalendar, instant: datetime) -> bool:
    local = _require_aware(instant).astimezone(calendar.zone)
    second = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    return any(start <= second < end for start, end in calendar.periods_on(local.date()))


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(zone).utcoffset()


def _constant_offset_spans(zone: ZoneInfo, lo: datetime, hi: datetime):
    """[lo, hi) cut at the zone's offset changes → [(start, end, offset)], found by bisection to the
    second (transitions fall on whole seconds). Two changes within one ~two-day window do not occur
    in the tz database's real zones."""
    spans = []
    while lo < hi:
        first = _offset(zone, lo)
        if _offset(zone, hi - timedelta(seconds=1)) == first:
            spans.append((lo, hi, first))
            break
        same, changed = lo, hi - timedelta(seconds=1)  # offset(same) == first != offset(changed)
        while changed - same > timedelta(seconds=1):
            middle = same + (changed - same) // 2
            middle -= timedelta(microseconds=middle.microsecond)
            if _offset(zone, middle) == first:
                same = middle
            else:
                changed = middle
        spans.append((lo, changed, first))
        lo = changed
    return spans


@functools.lru_cache(maxsize=8192)
def working_intervals_on(calendar: BusinessCalendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    """The UTC intervals [start, end) in which the local wall clock shows `day` inside a period."""
    periods = calendar.periods_on(day)
    if not periods:
        return ()
    midnight = datetime.combine(day, time(), tzinfo=UTC)  # the local midnight's reading, as UTC
    intervals = []
    for lo, hi, offset in _constant_offset_spans(
            calendar.zone, midnight - _LATEST_OFFSET, midnight + DAY - _EARLIEST_OFFSET):
        # Within a span, local reading = instant + offset: each period maps to one UTC interval.
        for start, end in periods:
            a = max(lo, midnight + timedelta(seconds=start) - offset)
            b = min(hi, midnight + timedelta(seconds=end) - offset)
            if a < b:
                intervals.append((a, b))
    intervals.sort()
    merged = []
    for a, b in intervals:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return tuple(merged)


def working_intervals(calendar: BusinessCalendar, start: datetime):
    """The working UTC intervals after `start` in order, the first clipped to begin at `start`."""
    start = _require_aware(start)
    # From the local date before: an instant after `start` never has an earlier local date than
    # that, even where a DST change moves the clock back across midnight.
    day = start.astimezone(calendar.zone).date() - DAY
    idle_days = 0
    while idle_days <= HORIZON_DAYS:
        intervals = working_intervals_on(calendar, day)
        idle_days = 0 if intervals else idle_days + 1
        for a, b in intervals:
            if b > start:
                yield max(a, start), b
        day += DAY
    raise ValueError(f"the calendar has no working time within {HORIZON_DAYS} days")


def next_working_instant(calendar: BusinessCalendar, instant: datetime) -> datetime:
    """`instant` itself when it is working time, else the start of the next working period."""
    for a, _ in working_intervals(calendar, instant):
        return a


def add_business_time(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """The instant at which `duration` of working time after `start` has passed.

    Zero returns `start`. A duration that ends exactly at the end of a period returns that end
    (12:00), not the start of the next period (13:00): the due instant is the last one in time.
    """
    if duration < timedelta(0):
        raise ValueError("a business duration cannot be negative")
    start = _require_aware(start)
    if not duration:
        return start
    remaining = duration
    for a, b in working_intervals(calendar, start):
        if remaining <= b - a:
            return a + remaining
        remaining -= b - a


def business_time_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Working time in [start, end); zero when end is not after start."""
    start, end = _require_aware(start), _require_aware(end)
    total = timedelta(0)
    if end <= start:
        return total
    for a, b in working_intervals(calendar, start):
        if a >= end:
            break
        total += min(b, end) - a
    return total
