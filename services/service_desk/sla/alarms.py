"""The SLA timer's pass: fire every alarm whose time has come, once across replicas.

Each replica runs the timer; an alarm is fired by the replica whose conditional UPDATE
(`fired_at IS NULL` → now) matched it (chassis `claim`), in the same transaction as its effects:
- a warning: `ticket_sla_warning`;
- a breach: the ticket's SLA marked breached and escalated (`escalated_at`, first time), the
  ticket raised one priority (low → medium → high → urgent) unless it is urgent already or
  resolved — recorded in its history and published as ticket_updated, by "system" —,
  `ticket_sla_breached`, and a notice to the supervisor at the next business moment
  (email_channel/notices.py). The escalation keeps the ticket's SLA policy: a raised priority does not
  shorten the targets the ticket was given (which would breach it again at once).
Each alarm fired is counted (crm_ticket_sla_alarms_total{kind, target}; the claim makes it
once across replicas): the alert CrmSlaBreachesRising reads it.
The pass reads only unfired alarms due by now (an index range), in batches.
"""
from sqlalchemy import select

from services.chassis.periodic import claim, mark_each
from services.service_desk import metrics
from services.service_desk.email_channel.notices import notify_supervisor
from services.service_desk.sla.models import SlaAlarm, TicketSla
from services.service_desk.sla.track import BREACH
from services.service_desk.tickets.handlers.record import payload, record_change
from services.service_desk.tickets.models import Ticket

RAISED = {"low": "medium", "medium": "high", "high": "urgent"}
BATCH = 500


def fire_due(db, now, batch=BATCH):
    def find(session, limit):
        return session.execute(
            select(SlaAlarm.ticket_id, SlaAlarm.target, SlaAlarm.kind, SlaAlarm.cycle)
            .where(SlaAlarm.fired_at.is_(None), SlaAlarm.fire_at <= now)
            .order_by(SlaAlarm.fire_at).limit(limit)).all()

    return mark_each(db, find, lambda uow, key: fire(uow, tuple(key), now), "SLA alarms fired",
                     batch=batch)


def fire(uow, key, now):
    ticket_id, target, kind, cycle = key
    session = uow.session
    # The ticket first, as the tickets' handlers do (scopes.one for_write) before they touch its
    # alarms: one lock order, no deadlock between the timer and an agent's change.
    ticket = session.scalar(select(Ticket).where(Ticket.id == ticket_id).with_for_update())
    if ticket is None or not claim(
            session, SlaAlarm, SlaAlarm.ticket_id == ticket_id, SlaAlarm.target == target,
            SlaAlarm.kind == kind, SlaAlarm.cycle == cycle, SlaAlarm.fired_at.is_(None),
            fired_at=now):
        return False
    metrics.sla_alarm(kind, target)
    alarm = session.get(SlaAlarm, key)
    sla = session.get(TicketSla, ticket_id)
    # A breach fires at the due instant; a warning says when the target will be due.
    due_at = alarm.fire_at if kind == BREACH else getattr(sla, f"{target}_due_at") or alarm.fire_at
    event = {"ticket_id": ticket.id, "customer_id": ticket.customer_id, "team_id": ticket.team_id,
             "assignee_id": ticket.assignee_id, "target": target, "due_at": due_at,
             "priority": ticket.priority, "occurred_at": now}
    if kind != BREACH:
        uow.emit("ticket_sla_warning", event)
        return True
    sla.breached = True
    sla.escalated_at = sla.escalated_at or now
    previous = ticket.priority
    escalated = previous in RAISED and ticket.status_category != "resolved"
    if escalated:
        ticket.priority, ticket.updated_at = RAISED[previous], now
        record_change(uow, ticket, "escalated", {"priority": (previous, ticket.priority)}, "system",
                      reason=f"sla_{target}_breached", at=now)
        session.flush()
        uow.emit("ticket_updated", {**payload(session, ticket), "changed": ["priority"],
                                    "changed_by": "system"})
    uow.emit("ticket_sla_breached", {**event, "priority": ticket.priority,
                                     "previous_priority": previous, "escalated": escalated})
    target_name = target.replace("_", " ")
    notify_supervisor(uow, ticket, f"sla-breach/{ticket_id}/{target}/{cycle}",
                      f"SLA breached ({target_name}): {ticket.subject}",
                      [f"The {target_name} target of this ticket was due at "
                       f"{due_at.isoformat(timespec='minutes')} and was missed.",
                       f"Priority raised from {previous} to {ticket.priority}." if escalated
                       else f"Priority stays {ticket.priority}."], now)
    return True
