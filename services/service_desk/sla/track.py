"""Keeping each ticket's SLA state up to date, in the transaction of the change that moves it:
the ticket's creation, each status change, an agent's public reply, a priority change, the
customer attached to a ticket that had none (an unmatched sender's). The
tickets' handlers call these hooks; the clock itself is clock.py (pure).

After each change the state is recomputed from the ticket's whole timeline, and the alarms the
timer acts on are replaced: a warning and a breach per running target, a breach for a target that
ran late without the timer having fired it yet (a late reply right after the due instant); an
unfired breach already due stays (a previous update interval's). Alarms already fired stay, so a
warning or breach is announced once per target (per update interval)."""
import json
from datetime import datetime

from sqlalchemy import delete, or_, select

from services.service_desk.directory.models import DeskCustomer
from services.service_desk.sla import clock, config
from services.service_desk.sla.models import SlaAlarm, TicketSla

TARGETS = ("first_response", "resolution", "update")
WARNING, BREACH = "warning", "breach"


def ticket_created(session, ticket, now):
    value_class = _value_class(session, ticket)
    row = TicketSla(ticket_id=ticket.id, created_at=ticket.created_at, timeline="[]", replies="[]",
                    breached=False)
    _apply_policy(session, row, ticket.priority, value_class)
    refresh(session, row, now)  # before adding it: its queries' autoflush would insert it half-made
    session.add(row)
    return row


def status_changed(session, ticket, now):
    row = _row(session, ticket, now)
    timeline = json.loads(row.timeline)
    if not timeline or timeline[-1][1] != ticket.status_category:
        row.timeline = json.dumps(timeline + [[now.isoformat(), ticket.status_category]])
    refresh(session, row, now)


def agent_replied(session, ticket, now):
    row = _row(session, ticket, now)
    row.replies = json.dumps(json.loads(row.replies) + [now.isoformat()])
    refresh(session, row, now)


def priority_changed(session, ticket, now):
    """A person changed the priority: the ticket takes that priority's policy (its clock keeps
    what it consumed). The timer's own escalation does not come here: it keeps the policy."""
    row = _row(session, ticket, now)
    _apply_policy(session, row, ticket.priority, row.value_class)
    refresh(session, row, now)


def customer_attached(session, ticket, now):
    """A ticket without a customer (an unmatched sender's) got one: the policy of that
    customer's value class (A faster) from now on; the clock keeps what it consumed."""
    row = _row(session, ticket, now)
    _apply_policy(session, row, row.priority, _value_class(session, ticket))
    refresh(session, row, now)


def _value_class(session, ticket):
    customer = session.get(DeskCustomer, ticket.customer_id) if ticket.customer_id else None
    return customer.value_class if customer else None


def _row(session, ticket, now):
    row = session.get(TicketSla, ticket.id)
    return row if row is not None else ticket_created(session, ticket, now)


def _apply_policy(session, row, priority, value_class):
    policy, calendar_id = config.policy_row_for(session, priority, value_class)
    row.priority, row.value_class, row.calendar_id = priority, value_class, calendar_id
    row.first_response_seconds = int(policy.first_response.total_seconds())
    row.resolution_seconds = int(policy.resolution.total_seconds())
    row.update_every_seconds = (None if policy.update_every is None
                                else int(policy.update_every.total_seconds()))


def evaluate(session, row, now):
    policy = config.policy_of(row.first_response_seconds, row.resolution_seconds,
                              row.update_every_seconds)
    changes = [clock.StatusChange(datetime.fromisoformat(at), category)
               for at, category in json.loads(row.timeline)]
    replies = [datetime.fromisoformat(at) for at in json.loads(row.replies)]
    return clock.evaluate(policy, config.calendar(session, row.calendar_id), row.created_at,
                          changes, replies, now=max(now, row.created_at))


def measures(session, ticket_id, now):
    """The ticket's SLA as its events carry it (reporting's service KPIs): per target the
    business seconds the clock consumed up to the instant that stopped it (the first public
    reply or resolution; None while it runs) and its status at `now`. None without a clock."""
    row = session.get(TicketSla, ticket_id)
    if row is None:
        return None
    sla = evaluate(session, row, now)
    found = {}
    for name in ("first_response", "resolution"):
        target = getattr(sla, name)
        found[f"{name}_seconds"] = (None if target.stopped_at is None
                                    else int(target.consumed.total_seconds()))
        found[f"{name}_status"] = target.status
    return found


def refresh(session, row, now):
    sla = evaluate(session, row, now)
    row.first_response_due_at, row.first_response_status = (sla.first_response.due_at,
                                                            sla.first_response.status)
    row.resolution_due_at, row.resolution_status = sla.resolution.due_at, sla.resolution.status
    row.update_due_at = sla.update.due_at if sla.update else None
    row.paused, row.fulfilled = sla.paused, sla.fulfilled
    row.breached = row.breached or sla.breached
    row.evaluated_at = now
    replies = json.loads(row.replies)
    _replace_alarms(session, row.ticket_id, _wanted_alarms(sla, replies[-1] if replies else ""),
                    now)
    return sla


def _wanted_alarms(sla, last_reply):
    """{(target, kind, cycle): fire_at}. The update target restarts at each reply: its alarms are
    per interval, keyed by the reply that started it."""
    wanted = {}
    for name in TARGETS:
        target = getattr(sla, name)
        if target is None:
            continue
        cycle = last_reply if name == "update" else ""
        if target.status == clock.RUNNING:
            if target.warn_at is not None:
                wanted[(name, WARNING, cycle)] = target.warn_at
            wanted[(name, BREACH, cycle)] = target.due_at
        elif target.status == clock.BREACHED:
            wanted[(name, BREACH, cycle)] = target.due_at
    return wanted


def _replace_alarms(session, ticket_id, wanted, now):
    """Unfired alarms are replaced by `wanted`, except a breach already due: it records a breach
    that happened (a late update before the timer ran) and must still be announced. Delete
    first, then read what stays: on PostgreSQL the DELETE waits for a timer firing one of these
    alarms, and the SELECT after it sees that alarm fired — so it is not inserted again (the
    timer claims only unfired rows, which this DELETE holds until commit)."""
    session.execute(delete(SlaAlarm).where(
        SlaAlarm.ticket_id == ticket_id, SlaAlarm.fired_at.is_(None),
        or_(SlaAlarm.kind != BREACH, SlaAlarm.fire_at > now)))
    staying = set(session.execute(
        select(SlaAlarm.target, SlaAlarm.kind, SlaAlarm.cycle).where(
            SlaAlarm.ticket_id == ticket_id)).all())
    for (target, kind, cycle), fire_at in wanted.items():
        if (target, kind, cycle) not in staying:
            session.add(SlaAlarm(ticket_id=ticket_id, target=target, kind=kind, cycle=cycle,
                                 fire_at=fire_at))
