"""RFM scoring and the suggested value class, pure functions (hand-checked in
tests/unit/reporting/test_analytics_value.py).

Each customer has a recency (days from its last won deal to the as-of day), a frequency (won
deals in the window, the last `months` months) and a monetary value (their amount in the
customer's main currency). Each is scored 1..5 by quintile — the share of the scored customers
at or below it, in fifths, ties sharing the higher score (so equal behaviour scores equally):
score = ceil(5 × rank / n), rank = pandas' rank(method="max"). Recency is ranked the other way
(fewer days is better). Only customers with something to rank are scored (recency: those that
ever bought; frequency and monetary: those that bought in the window; monetary within each
currency, amounts in different currencies being incomparable); the others score 0.

The suggested class (A / B / C) from value and loyalty:
- C: no won deal in the window;
- A: top 40 % by value (monetary ≥ 4) and loyal: frequency ≥ 3 and recency ≥ 3;
- C: bottom 40 % both by value and by frequency (monetary ≤ 2, frequency ≤ 2);
- B: everything else.
"""
from services.reporting.domains.sales.queries.deals import money

BANDS = {5: "top 20 %", 4: "top 40 %", 3: "middle 20 %", 2: "bottom 40 %", 1: "bottom 20 %"}
RULES = {
    "none": ("C", "no won deal in the last {months} months"),
    "a": ("A", "high value, buying often and recently"),
    "c": ("C", "low value, seldom buying"),
    "b": ("B", "middling value or loyalty"),
}


def quintiles(values, higher_is_better=True):
    """1..5 per value (a list), in order; integer arithmetic, so 3 of 5 is exactly 3."""
    if not values:
        return []
    import pandas          # heavy: loaded on the first analytics request, not with the service
    series = pandas.Series(values, dtype=float)
    ranks = (series if higher_is_better else -series).rank(method="max").astype(int)
    return [-(-int(rank) * 5 // len(values)) for rank in ranks]


def score(customers):
    """`customers`: [{id, recency_days (None: never bought), frequency, monetary_cents,
    currency}] → {id: (recency, frequency, monetary) scores 0..5}."""
    scores = {row["id"]: [0, 0, 0] for row in customers}
    bought = [row for row in customers if row["recency_days"] is not None]
    for row, value in zip(bought, quintiles([r["recency_days"] for r in bought], False)):
        scores[row["id"]][0] = value
    active = [row for row in customers if row["frequency"]]
    for row, value in zip(active, quintiles([r["frequency"] for r in active])):
        scores[row["id"]][1] = value
    for currency in sorted({row["currency"] for row in active}):
        same = [row for row in active if row["currency"] == currency]
        for row, value in zip(same, quintiles([r["monetary_cents"] for r in same])):
            scores[row["id"]][2] = value
    return {key: tuple(value) for key, value in scores.items()}


def suggest(recency, frequency, monetary):
    """The rule (a key of RULES) the scores meet."""
    if not frequency:
        return "none"
    if monetary >= 4 and frequency >= 3 and recency >= 3:
        return "a"
    if monetary <= 2 and frequency <= 2:
        return "c"
    return "b"


def reason(rule, scores, row, months):
    """The suggestion in words, e.g. "A: high value, buying often and recently — top 20 % by
    value (EUR 1200.00 in the last 12 months), bought 3 times in the last 12 months (top 40 %),
    last won deal 35 days ago (top 20 % by recency)"."""
    recency, frequency, monetary = scores
    klass, words = RULES[rule]
    head = f"{klass}: {words.format(months=months)}"
    if row["recency_days"] is None:
        return f"{head} — no won deal yet"
    last = f"last won deal {row['recency_days']} days ago ({BANDS[recency]} by recency)"
    if not frequency:
        return f"{head} — {last}"
    amount = f"{row['currency']} {money(row['monetary_cents'])}"
    times = "once" if row["frequency"] == 1 else f"{row['frequency']} times"
    return (f"{head} — {BANDS[monetary]} by value ({amount} in the last {months} months), "
            f"bought {times} in the last {months} months ({BANDS[frequency]}), {last}")
