"""The procurement KPIs' arithmetic: pure functions the reports run on our facts and the
reconcile on procurement's own rows, so reconcile checks exactly what the reports show.

- spend: accepted receipt value (a receipt line's accepted quantity × the order line's unit
  price), exact, per currency — never summed across currencies;
- open commitment of an order: total − value accepted so far, for orders sent or partially
  received (a draft, received, closed or cancelled order commits nothing);
- approval cycle: decided − submitted, in hours (two decimals, half up): count, mean, median;
- on-time rate: 100 × receipts on time / receipts, two decimals half up (None: no receipts).
"""
from decimal import ROUND_HALF_UP, Decimal

OPEN_STATUSES = ("sent", "partially_received")
CENT = Decimal("0.01")
HOUR = Decimal(3600)
MICRO = Decimal(1_000_000)


def money(value):
    """One spelling of an exact amount (two decimals) in reports and reconcile."""
    return str(Decimal(value).quantize(CENT, ROUND_HALF_UP))


def commitment(status, total, accepted):
    return Decimal(total) - Decimal(accepted) if status in OPEN_STATUSES else Decimal(0)


def on_time_rate(on_time, receipts):
    if not receipts:
        return None
    return str((Decimal(100) * on_time / receipts).quantize(CENT, ROUND_HALF_UP))


def punctuality(receipts):
    """Receipts (dicts with `on_time`): how many, on time, late, the on-time rate."""
    receipts = list(receipts)
    on_time = sum(1 for receipt in receipts if receipt["on_time"])
    return {"receipts": len(receipts), "on_time": on_time, "late": len(receipts) - on_time,
            "on_time_rate": on_time_rate(on_time, len(receipts))}


def cycle_seconds(submitted_at, decided_at):
    """Exact seconds (microseconds kept) from submission to decision."""
    delta = decided_at - submitted_at
    micro = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return Decimal(micro) / MICRO


def _hours(seconds):
    return str((seconds / HOUR).quantize(CENT, ROUND_HALF_UP))


def cycle(seconds):
    """{count, mean_hours, median_hours} of exact cycle seconds (None when there are none)."""
    values = sorted(seconds)
    if not values:
        return {"count": 0, "mean_hours": None, "median_hours": None}
    middle = len(values) // 2
    median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    return {"count": len(values), "mean_hours": _hours(sum(values) / len(values)),
            "median_hours": _hours(median)}


def grouped(items, key):
    """{key(item): [items]}."""
    groups = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups
