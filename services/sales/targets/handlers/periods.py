"""Periods of sales targets and the pace through them, on UTC days.

period_end is inclusive. The elapsed fraction at `now` = time since the period's first midnight
(UTC) over the period's length, clamped to 0..1; expected_by_now = amount × that fraction.
"""
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from services.sales import settings

CENTS = Decimal("0.01")
MONTHS = {"month": 1, "quarter": 3, "year": 12}
MIN_ELAPSED_FOR_RISK = Decimal("0.2")


def period_end(kind, start):
    months = start.month - 1 + MONTHS[kind]
    following = date(start.year + months // 12, months % 12 + 1, 1)
    return following - timedelta(days=1)


def bounds(start, end):
    """[first moment, moment after the last day) in UTC."""
    first = datetime.combine(start, time(), timezone.utc)
    return first, datetime.combine(end + timedelta(days=1), time(), timezone.utc)


def elapsed_fraction(start, end, now):
    first, after = bounds(start, end)
    fraction = Decimal((now - first).total_seconds()) / Decimal((after - first).total_seconds())
    return min(max(fraction, Decimal(0)), Decimal(1))


def risk_ratio():
    return Decimal(str(settings.target_risk_ratio()))


def pace(amount, attained, start, end, now):
    """{"elapsed_fraction", "expected_by_now", "pace_percent", "at_risk"}; None when there is no
    attained figure (cash of a product line)."""
    if attained is None:
        return None
    fraction = elapsed_fraction(start, end, now)
    expected = (amount * fraction).quantize(CENTS, ROUND_HALF_UP)
    percent = int(attained * 100 / expected) if expected > 0 else None
    at_risk = fraction >= MIN_ELAPSED_FOR_RISK and attained < expected * risk_ratio()
    return {"elapsed_fraction": float(fraction.quantize(Decimal("0.0001"))),
            "expected_by_now": expected, "pace_percent": percent, "at_risk": at_risk}
