"""The as-of day and the window of months before it that the customer-value reports measure
(local days in the report's time zone)."""
from services.reporting import periods


def as_of(query, now=None):
    """The query's as-of day, default today in its time zone (at `now`)."""
    return query.get("as_of") or periods.today_in(query["tz"], now)


def months_before(day, months):
    """The day `months` months before `day` (clamped to the month's end: 31 May - 3 = 28 Feb)."""
    import pandas          # heavy: loaded on the first analytics request, not with the service
    return (pandas.Timestamp(day) - pandas.DateOffset(months=months)).date()


def within(day, start, end):
    """start < day <= end: a window of whole days ending on `end`."""
    return start < day <= end
