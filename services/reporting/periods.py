"""A report period in the caller's time zone, mapped onto the UTC rollup buckets.

The period's local days (or weeks, months) start at local midnights; each is converted to a
UTC instant through zoneinfo, so days of 23 or 25 hours around DST changes come out right.
Rollup buckets are 15 minutes wide and every current zone offset is a multiple of that, so a
bucket lies wholly inside one local day (zones' historical local-mean-time offsets, before
about 1970, are the exception).
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from services.chassis.errors import Invalid

MAX_DAYS = 3660          # ten years: a bounded answer however it is grouped


def local_midnight(day, zone):
    """The UTC epoch second at which `day` starts in `zone` (a midnight skipped by a DST
    change resolves to the transition instant: the day starts when the clock says 01:00)."""
    return int(datetime.combine(day, time(0), tzinfo=zone).timestamp())


@dataclass(frozen=True)
class Period:
    start: date
    end: date                 # included
    tz: str
    granularity: str

    @property
    def zone(self):
        return ZoneInfo(self.tz)

    def utc_bounds(self):
        """[first, last) epoch seconds covering the whole period."""
        return (local_midnight(self.start, self.zone),
                local_midnight(self.end + timedelta(days=1), self.zone))

    def label_of_day(self, day):
        """Weeks are ISO weeks (from Monday), months, quarters and years calendar ones,
        labelled by their first day even when the period starts later; only the period's own
        days are counted."""
        if self.granularity == "week":
            return day - timedelta(days=day.weekday())
        if self.granularity == "month":
            return day.replace(day=1)
        if self.granularity == "quarter":
            return day.replace(month=day.month - (day.month - 1) % 3, day=1)
        if self.granularity == "year":
            return day.replace(month=1, day=1)
        if self.granularity == "total":
            return self.start
        return day

    def contains(self, day):
        return self.start <= day <= self.end

    def label(self, bucket):
        """The period start (a local date) a UTC bucket belongs to."""
        return self.label_of_day(datetime.fromtimestamp(bucket, self.zone).date())

    def labels(self):
        """Every period start in order (for zero-filled series)."""
        seen, day = [], self.start
        while day <= self.end:
            label = self.label_of_day(day)
            if not seen or seen[-1] != label:
                seen.append(label)
            day += timedelta(days=1)
        return seen

    def as_dict(self):
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "tz": self.tz,
                "granularity": self.granularity}


def today_in(tz, now=None):
    """The local date in `tz` at `now` (an aware datetime; default the wall clock)."""
    return (now or datetime.now(timezone.utc)).astimezone(ZoneInfo(tz)).date()


def period(query, today=None, now=None):
    """From a loaded PeriodQuery; default: the 30 days up to today (at `now`) in the caller's
    zone."""
    tz = query.get("tz", "UTC")
    today = today or today_in(tz, now)
    end = query.get("to") or today
    start = query.get("from_") or end - timedelta(days=29)
    if start > end:
        raise Invalid("The request is not valid.", {"from": ["Must not be after 'to'."]})
    if (end - start).days >= MAX_DAYS:
        raise Invalid("The request is not valid.",
                      {"from": [f"A period spans at most {MAX_DAYS} days."]})
    return Period(start, end, tz, query.get("granularity", "day"))
