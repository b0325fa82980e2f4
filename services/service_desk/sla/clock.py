"""A ticket's SLA clock: from its creation, status history and public replies to its SLA state.

The rules (issue 12 §5; where Frappe Helpdesk's and Zammad's users found bugs, the choice is said):
- The clock runs only while the ticket's status category is "open", and only in business time on
  the ticket's calendar. "paused" stops it, so does "resolved"; a due instant is the instant at
  which the business time consumed in open statuses reaches the allowance, so pauses move it by
  exactly the business time they covered (a pause over a weekend moves nothing).
- A ticket created outside working time consumes nothing until the next working period.
- First response stops at the first public reply; resolving without any reply stops it too (the
  resolution answered the customer). Paused → resolved directly stops the resolution clock where
  the pause had already stopped it: the paused time never counts.
- A reopened ticket's resolution clock resumes from what it had consumed; a breach stays a breach.
- The update target (optional) applies only after the first reply: each public reply starts a new
  update interval. Before the first reply the first-response target alone applies — an update rule
  never overrides (nor shortens) the first-response target.
- A target stopped at instant m is fulfilled when m <= its due instant, else breached; a running
  target is breached once now > its due instant. The warning instant is at 75 % of the allowance.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .calendar import BusinessCalendar, add_business_time, business_time_between
from .policy import WARNING_FRACTION, SlaPolicy

OPEN, PAUSED, RESOLVED = "open", "paused", "resolved"
CATEGORIES = (OPEN, PAUSED, RESOLVED)
RUNNING, FULFILLED, BREACHED = "running", "fulfilled", "breached"  # and PAUSED


@dataclass(frozen=True)
class StatusChange:
    at: datetime
    category: str  # the category of the status the ticket moved into


@dataclass(frozen=True)
class Target:
    allowed: timedelta
    consumed: timedelta          # business time consumed, up to the stop instant or now
    due_at: datetime | None      # None: not reached and the clock is not running
    warn_at: datetime | None
    stopped_at: datetime | None  # the reply / resolution that stopped this target
    status: str                  # running / paused / fulfilled / breached


@dataclass(frozen=True)
class TicketSla:
    category: str
    first_response: Target
    resolution: Target
    update: Target | None        # the current update interval; None before the first reply
    update_breaches: int         # update intervals (current included) that ran past their due

    @property
    def paused(self) -> bool:
        return self.category == PAUSED

    @property
    def breached(self) -> bool:
        return BREACHED in (self.first_response.status, self.resolution.status) or self.update_breaches > 0

    @property
    def fulfilled(self) -> bool:
        return (self.first_response.status == FULFILLED and self.resolution.status == FULFILLED
                and not self.update_breaches)

    def _running(self):
        return [t for t in (self.first_response, self.resolution, self.update) if t and t.status == RUNNING]

    @property
    def next_due(self) -> datetime | None:
        """The earliest due instant among the running targets (the timer's breach check)."""
        return min((t.due_at for t in self._running()), default=None)

    @property
    def next_warning(self) -> datetime | None:
        return min((t.warn_at for t in self._running()), default=None)


def _open_spans(created_at, changes, stopped_at):
    """The open stretches as [(start, end)]; the stretch still open at the end gets end None: its
    clock is the one that would keep running (due instants beyond now or the stop). A change at the
    stop instant itself is the one that stopped this clock (resolved, or paused with the reply):
    it is left out, so that the due in force at the stop is known."""
    spans, category, since = [], OPEN, created_at
    for change in changes:
        if stopped_at is not None and change.at >= stopped_at:
            break
        if category == OPEN and change.category != OPEN:
            spans.append((since, change.at))
        if category != OPEN and change.category == OPEN:
            since = change.at
        category = change.category
    if category == OPEN:
        spans.append((since, None))
    return spans


def _clip_from(spans, origin):
    return [(max(a, origin), b) for a, b in spans if b is None or b > origin]


def _reached_at(calendar, spans, allowance):
    """When the business time consumed over the spans reaches `allowance`, else None."""
    remaining = allowance
    for a, b in spans:
        available = None if b is None else business_time_between(calendar, a, b)
        if available is None or remaining <= available:
            return add_business_time(calendar, a, remaining)
        remaining -= available
    return None


def _target(calendar, spans, allowance, stopped_at, now, category_now):
    until = stopped_at or now
    consumed = sum((business_time_between(calendar, a, min(b or until, until)) for a, b in spans),
                   timedelta(0))
    due_at = _reached_at(calendar, spans, allowance)
    warn_at = _reached_at(calendar, spans, allowance * WARNING_FRACTION[0] / WARNING_FRACTION[1])
    if due_at is not None and until > due_at:
        status = BREACHED
    elif stopped_at is not None:
        status = FULFILLED
    else:
        status = RUNNING if category_now == OPEN else PAUSED
    return Target(allowance, consumed, due_at, warn_at, stopped_at, status)


def _validate(created_at, changes, replies, now):
    instants = [created_at, now, *(c.at for c in changes), *replies]
    if any(t.tzinfo is None or t.utcoffset() is None for t in instants):
        raise ValueError("instants must be timezone-aware")
    if any(c.category not in CATEGORIES for c in changes):
        raise ValueError(f"a status category is one of {', '.join(CATEGORIES)}")
    if [c.at for c in changes] != sorted(c.at for c in changes):
        raise ValueError("status changes must be in time order")
    if any(not created_at <= t <= now for t in instants[2:]) or now < created_at:
        raise ValueError("status changes and replies happen between the creation and now")


def evaluate(policy: SlaPolicy, calendar: BusinessCalendar, created_at: datetime,
             changes=(), replies=(), *, now: datetime) -> TicketSla:
    """The SLA state at `now` of a ticket created (open) at `created_at`, which then moved through
    `changes` (StatusChange, in time order) and got agent public replies at `replies`."""
    changes, replies = list(changes), sorted(replies)
    _validate(created_at, changes, replies, now)
    category = changes[-1].category if changes else OPEN
    resolved_at = None
    if category == RESOLVED:  # the start of the current resolved stretch (resolved → closed: resolved)
        for c in reversed(changes):
            if c.category != RESOLVED:
                break
            resolved_at = c.at
    first_resolved = next((c.at for c in changes if c.category == RESOLVED), None)
    response_stop = min((t for t in (replies[:1] + [first_resolved]) if t is not None), default=None)

    def target(allowance, origin, stopped_at):
        spans = _clip_from(_open_spans(created_at, changes, stopped_at), origin)
        return _target(calendar, spans, allowance, stopped_at, now, category)

    first_response = target(policy.first_response, created_at, response_stop)
    resolution = target(policy.resolution, created_at, resolved_at)
    update, update_breaches = None, 0
    if policy.update_every is not None and replies:
        for origin, next_reply in zip(replies, replies[1:] + [None]):
            update = target(policy.update_every, origin, next_reply or resolved_at)
            update_breaches += update.status == BREACHED
    return TicketSla(category, first_response, resolution, update, update_breaches)
