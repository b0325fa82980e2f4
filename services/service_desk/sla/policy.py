"""SLA targets per priority, optionally faster per customer value class (issue 12 §5).

Every target is business time on the ticket's calendar. The defaults are Frappe Helpdesk's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

PRIORITIES = ("urgent", "high", "medium", "low")
WARNING_FRACTION = (3, 4)  # the warning fires at 75 % of the allowed time


@dataclass(frozen=True)
class SlaPolicy:
    first_response: timedelta
    resolution: timedelta
    # Optional: while the ticket is open, a public update at least this often after the first
    # response. It never replaces the first-response target (see clock.py).
    update_every: timedelta | None = None

    def __post_init__(self):
        for name in ("first_response", "resolution", "update_every"):
            value = getattr(self, name)
            if value is not None and value <= timedelta(0):
                raise ValueError(f"{name} must be a positive duration")
        if self.first_response > self.resolution:
            raise ValueError("first_response cannot allow more time than resolution")

    def faster_or_equal(self, other: SlaPolicy) -> bool:
        """Every target of self allows at most what other's does (a missing update target is
        the slowest)."""
        updates_ok = other.update_every is None or (
            self.update_every is not None and self.update_every <= other.update_every)
        return (self.first_response <= other.first_response and self.resolution <= other.resolution
                and updates_ok)


def _hours(first_response: float, resolution: float) -> SlaPolicy:
    return SlaPolicy(timedelta(hours=first_response), timedelta(hours=resolution))


DEFAULT_POLICIES = {
    "urgent": _hours(0.5, 2),
    "high": _hours(1, 4),
    "medium": _hours(8, 24),
    "low": _hours(24, 72),
}


@dataclass(frozen=True)
class PolicySet:
    """Policies per priority, and per value class (e.g. "A") overrides that must be faster."""

    by_priority: dict = field(default_factory=lambda: dict(DEFAULT_POLICIES))
    by_class: dict = field(default_factory=dict)  # {"A": {"urgent": SlaPolicy, ...}}

    def __post_init__(self):
        missing = set(PRIORITIES) - set(self.by_priority)
        if missing or set(self.by_priority) - set(PRIORITIES):
            raise ValueError(f"a policy per priority is needed: {', '.join(PRIORITIES)}")
        for value_class, policies in self.by_class.items():
            for priority, policy in policies.items():
                if priority not in PRIORITIES:
                    raise ValueError(f"class {value_class}: unknown priority {priority!r}")
                if not policy.faster_or_equal(self.by_priority[priority]):
                    raise ValueError(f"class {value_class} {priority}: a class policy can only be faster")

    def policy_for(self, priority: str, value_class: str | None = None) -> SlaPolicy:
        if priority not in self.by_priority:
            raise ValueError(f"unknown priority {priority!r}")
        return self.by_class.get(value_class, {}).get(priority) or self.by_priority[priority]
