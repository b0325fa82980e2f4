"""Notices to a ticket's supervisor (issue 12 §5 and §7: a breach "escalates — the team's
supervisor notified", a low satisfaction score "escalates to the supervisor"), by mail.

A notice is a row of the same outbound mail queue as the replies (outbound.py: written in the
escalation's own transaction, sent by the mail timer, retried, once per Message-ID), with two
differences: it is due at the ticket's next business moment on its SLA calendar — a breach at
3 a.m. reaches the supervisor when the working day starts, not in the night ("notifications
respect business hours") — and it belongs to no ticket conversation (`ticket_id` empty): it is
never threaded into the customer's mails, and a supervisor's answer to it does not become a
customer's reply. Its subject names the ticket without the ticket token for the same reason.

The supervisor is directory/users.py `supervisor_of` (the team's support manager, else the
agent's manager, else the desk's); nobody known, or no address: no notice (the escalation
itself — the event, the raised priority, the follow-up — stands without it).
"""
import uuid

from services.chassis import mail
from services.service_desk import metrics
from services.service_desk.directory.models import UserCopy
from services.service_desk.directory.users import supervisor_of
from services.service_desk.email_channel.models import OUT, PENDING, TicketMail
from services.service_desk.sla import config
from services.service_desk.sla.calendar import next_working_instant
from services.service_desk.sla.models import TicketSla


def notify_supervisor(uow, ticket, key, subject, lines, now, agent_id=None):
    """Queue `subject` / `lines` for the supervisor of `ticket` at its next business moment;
    `key` makes the Message-ID (the same notice twice is one mail). The queued row, or None."""
    session = uow.session
    supervisor_id = supervisor_of(session, ticket.team_id, agent_id or ticket.assignee_id)
    supervisor = session.get(UserCopy, supervisor_id) if supervisor_id else None
    if supervisor is None or not supervisor.email:
        metrics.notice_queued("no_supervisor")
        return None
    sla = session.get(TicketSla, ticket.id)
    calendar = config.calendar(session, sla.calendar_id if sla else config.DEFAULT_CALENDAR)
    text = "\n".join([*lines, "", f"Ticket {ticket.id}: {ticket.subject}",
                      f"Priority: {ticket.priority}; status: {ticket.status}."])
    row = TicketMail(id=str(uuid.uuid4()), message_id=mail.message_id(f"notice/{key}"),
                     direction=OUT, status=PENDING, ticket_id=None, address=supervisor.email,
                     subject=subject[:250], body=text, attempts=0,
                     next_attempt_at=next_working_instant(calendar, now), created_at=now)
    session.add(row)
    metrics.notice_queued("queued")
    return row
