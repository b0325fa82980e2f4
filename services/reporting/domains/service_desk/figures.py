"""The service KPIs of a set of tickets: one pure function over per-ticket facts, which the
reports run on our facts and the reconcile on the service desk's own rows, so reconcile checks
exactly what the reports show.

A ticket is a dict: its dimensions, `status_category`, the SLA measures (business seconds to
first response / resolution, None while the target runs, and the targets' statuses), its
breaches per target and its reopen count. Per set of tickets:
- tickets; open, paused, resolved (status category now);
- first response and resolution time: how many were measured, median and p90 (nearest rank) in
  business seconds on the ticket's SLA calendar, paused time left out (the SLA clock's own);
- SLA per target: met (stopped in time), breached (stopped late, or announced as breached by
  the service desk's timer), pending; compliance % = met / (met + breached), two decimals;
- breaches announced, per target (first_response, resolution, update) and in all;
- reopened tickets, reopens, reopen rate = reopened tickets / tickets ever resolved (resolved
  now, or reopened: leaving a resolved status is a reopening), four decimals.
"""
import math
import statistics
from decimal import ROUND_HALF_UP, Decimal

TARGETS = ("first_response", "resolution")
BREACH_TARGETS = ("first_response", "resolution", "update")
CATEGORIES = ("open", "paused", "resolved")
MET, BREACHED, PENDING = "met", "breached", "pending"
PERCENT, RATIO = Decimal("0.01"), Decimal("0.0001")


def outcome(ticket, target):
    """met | breached | pending of one SLA target of a ticket."""
    stopped = ticket[f"{target}_seconds"] is not None
    if ticket["breaches"].get(target, 0) or (stopped and ticket[f"{target}_status"] == "breached"):
        return BREACHED
    return MET if stopped else PENDING


def _ratio(part, whole, step, scale=1):
    if not whole:
        return None
    return str((Decimal(part) * scale / whole).quantize(step, ROUND_HALF_UP))


def _number(value):
    return int(value) if value == int(value) else float(value)


def durations(values):
    values = sorted(values)
    if not values:
        return {"measured": 0, "median_seconds": None, "p90_seconds": None}
    return {"measured": len(values), "median_seconds": _number(statistics.median(values)),
            "p90_seconds": values[math.ceil(0.9 * len(values)) - 1]}


def summarise(tickets):
    tickets = list(tickets)
    found = {"tickets": len(tickets),
             **{name: sum(t["status_category"] == name for t in tickets) for name in CATEGORIES}}
    for target in TARGETS:
        found[f"{target}_time"] = durations(
            t[f"{target}_seconds"] for t in tickets if t[f"{target}_seconds"] is not None)
    sla = {}
    for target in TARGETS:
        outcomes = [outcome(t, target) for t in tickets]
        met, breached = outcomes.count(MET), outcomes.count(BREACHED)
        sla[target] = {MET: met, BREACHED: breached, PENDING: outcomes.count(PENDING),
                       "compliance_percent": _ratio(met, met + breached, PERCENT, 100)}
    found["sla"] = sla
    breaches = {target: sum(t["breaches"].get(target, 0) for t in tickets)
                for target in BREACH_TARGETS}
    found["breaches"] = {**breaches, "total": sum(breaches.values())}
    reopened = sum(t["reopens"] > 0 for t in tickets)
    ever_resolved = sum(t["reopens"] > 0 or t["status_category"] == "resolved" for t in tickets)
    found.update(reopened_tickets=reopened, reopens=sum(t["reopens"] for t in tickets),
                 reopen_rate=_ratio(reopened, ever_resolved, RATIO))
    return found


def grouped(tickets, key):
    """{key(ticket): [tickets]}."""
    groups = {}
    for ticket in tickets:
        groups.setdefault(key(ticket), []).append(ticket)
    return groups


# --- satisfaction and follow-ups ----------------------------------------------------------------
SATISFIED = 80          # the threshold: a score below it escalates (issue 12 §7)
BANDS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))
CENT = Decimal("0.01")


def satisfaction(surveys):
    """CSAT of answered surveys (dicts with `score` 0–100): answered, average (2 decimals),
    satisfied % (score ≥ 80), and the distribution over five bands of 20."""
    scores = [survey["score"] for survey in surveys]
    return {"answered": len(scores),
            "csat_average": _ratio(sum(scores), len(scores), CENT),
            "satisfied_percent": _ratio(sum(s >= SATISFIED for s in scores), len(scores),
                                        PERCENT, 100),
            "distribution": {f"{low}-{high}": sum(low <= s <= high for s in scores)
                             for low, high in BANDS}}


def followups(visits, now=None):
    """Follow-up visits (dicts with `state`, `due_at`, `completed_at`): how many were due, done
    (completed), done on time (by their due instant), cancelled, still open, and — given `now` —
    overdue (open past their due)."""
    visits = list(visits)
    done = [v for v in visits if v["state"] == "completed"]
    found = {"due": len(visits), "done": len(done),
             "done_on_time": sum(v["due_at"] is not None and v["completed_at"] <= v["due_at"]
                                 for v in done),
             "cancelled": sum(v["state"] == "cancelled" for v in visits),
             "open": sum(v["state"] == "scheduled" for v in visits)}
    if now is not None:
        found["overdue"] = sum(v["state"] == "scheduled" and v["due_at"] is not None
                               and v["due_at"] < now for v in visits)
    return found
