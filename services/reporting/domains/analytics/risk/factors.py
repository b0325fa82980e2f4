"""The churn-risk score: 0–100 points, the sum of explained factors, each with a ceiling, so a
reader sees why a customer scores what it does and can check it by hand.

| factor               | points | full points when                                              |
|----------------------|--------|---------------------------------------------------------------|
| purchase_frequency   | 25     | no purchase in the last 90 days where the 365 days before had some |
| purchase_value       | 15     | the same for the value won (the customer's main currency)    |
| no_recent_contact    | 20     | 180 days or more since the last interaction (0 up to 30 days) |
| open_tickets         | 10     | 2 or more tickets open or paused                              |
| breached_tickets     | 10     | 2 or more tickets with an SLA breach due in the last 90 days  |
| low_satisfaction     | 10     | CSAT average 20 or less over the last 180 days (0 from 80)    |
| lost_deals           | 10     | 2 or more deals lost in the last 90 days                      |

A fall is the customer's own: the recent 90 days against its rate over the 365 days before
(scaled to 90 days), so a customer who buys twice a year is not "falling" for a quiet month.
Between the ends a factor is linear. Pure functions over `Signals`; gather.py reads them.
"""
from dataclasses import dataclass

RECENT_DAYS, EARLIER_DAYS, SATISFACTION_DAYS = 90, 365, 180
CONTACT_GRACE_DAYS, CONTACT_FULL_DAYS = 30, 180
CSAT_FINE, CSAT_WORST = 80.0, 20.0
WEIGHTS = {"purchase_frequency": 25, "purchase_value": 15, "no_recent_contact": 20,
           "open_tickets": 10, "breached_tickets": 10, "low_satisfaction": 10, "lost_deals": 10}
COUNT_FULL = 2          # open / breached tickets, lost deals: full points from this many


@dataclass
class Signals:
    """What the score is made of, for one customer as of a date."""
    purchases_recent: int = 0
    purchases_earlier: int = 0
    value_recent_cents: int = 0         # in `currency`, the customer's main one
    value_earlier_cents: int = 0
    currency: str | None = None
    days_since_contact: int | None = None
    days_as_customer: int | None = None  # the fallback when no interaction was ever logged
    open_tickets: int = 0
    breached_tickets: int = 0
    csat_average: float | None = None
    surveys: int = 0
    lost_recent: int = 0


def _share(value):
    return min(1.0, max(0.0, value))


def _fall(recent, earlier):
    """(share of the fall 0..1, the recent window's expected amount) from the earlier rate."""
    expected = earlier * RECENT_DAYS / EARLIER_DAYS
    return (_share(1 - recent / expected) if expected else 0.0), expected


def _frequency(s):
    share, expected = _fall(s.purchases_recent, s.purchases_earlier)
    if not s.purchases_earlier:
        return 0.0, "no purchase in the 365 days before the last 90 to compare with"
    return share, (f"{s.purchases_recent} purchase(s) in the last {RECENT_DAYS} days against "
                   f"{expected:.1f} expected from the {s.purchases_earlier} in the "
                   f"{EARLIER_DAYS} days before")


def _value(s):
    share, expected = _fall(s.value_recent_cents, s.value_earlier_cents)
    if not s.value_earlier_cents:
        return 0.0, "no purchase value in the 365 days before the last 90 to compare with"
    return share, (f"{s.value_recent_cents / 100:.2f} {s.currency} won in the last {RECENT_DAYS} "
                   f"days against {expected / 100:.2f} expected from the year before")


def _contact(s):
    days = s.days_since_contact
    since = "no interaction logged"
    if days is None:
        days = s.days_as_customer
        if days is None:
            return 0.0, since
        since += f" in the {days} days since the customer was created"
    else:
        since = f"last interaction {days} days ago"
    return _share((days - CONTACT_GRACE_DAYS) / (CONTACT_FULL_DAYS - CONTACT_GRACE_DAYS)), since


def _count(value, words):
    return _share(value / COUNT_FULL), f"{value} {words}"


def _satisfaction(s):
    if s.csat_average is None:
        return 0.0, f"no satisfaction survey answered in the last {SATISFACTION_DAYS} days"
    return (_share((CSAT_FINE - s.csat_average) / (CSAT_FINE - CSAT_WORST)),
            f"CSAT {s.csat_average:.0f} / 100 on average over {s.surveys} survey(s) in the last "
            f"{SATISFACTION_DAYS} days")


def score(s):
    """(score 0–100, [{factor, points, max_points, detail}]) — the factors in WEIGHTS' order,
    points to one decimal; the score is their sum rounded."""
    shares = {
        "purchase_frequency": _frequency(s),
        "purchase_value": _value(s),
        "no_recent_contact": _contact(s),
        "open_tickets": _count(s.open_tickets, "ticket(s) open or paused"),
        "breached_tickets": _count(s.breached_tickets,
                                   f"ticket(s) with an SLA breach in the last {RECENT_DAYS} days"),
        "low_satisfaction": _satisfaction(s),
        "lost_deals": _count(s.lost_recent, f"deal(s) lost in the last {RECENT_DAYS} days"),
    }
    factors = [{"factor": name, "points": round(WEIGHTS[name] * share, 1),
                "max_points": WEIGHTS[name], "detail": detail}
               for name, (share, detail) in shares.items()]
    return min(100, round(sum(WEIGHTS[name] * share for name, (share, _) in shares.items()))), factors
