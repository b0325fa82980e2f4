"""The service desk's own Prometheus metrics (module-level; the chassis exports them on
SERVICE_DESK_METRICS_PORT with the rest): tickets created by channel and priority, new tickets'
assignments by how they were made, status changes by the status reached and why, mails
received by outcome and send attempts of replies by result (a growing `retrying` with no
`sent`: the SMTP server is down), notices to supervisors queued (or not: nobody to tell),
satisfaction surveys and follow-up visits by step, SLA alarms fired by kind (warning / breach)
and target (deploy/prometheus: CrmSlaBreachesRising). Counted when
made (a transaction rolled back afterwards is counted too: the counter says how much work was
done)."""
from prometheus_client import Counter

CREATED = Counter("crm_tickets_created_total", "Tickets created", ["channel", "priority"])
ASSIGNMENTS = Counter("crm_ticket_assignments_total",
                      "New tickets given an assignee, by how (created: as given; or the mode)",
                      ["reason"])
STATUS_CHANGES = Counter("crm_ticket_status_changes_total", "Ticket status changes",
                         ["to_status", "reason"])

MAIL_RECEIVED = Counter("crm_ticket_mail_received_total",
                        "Mails to the inbound webhook (created / replied / duplicate / unmatched)",
                        ["outcome"])
MAIL_SENT = Counter("crm_ticket_mail_send_attempts_total",
                    "Attempts to mail agents' replies (sent / retrying / failed)", ["result"])
SURVEYS = Counter("crm_ticket_surveys_total",
                  "Satisfaction surveys by step (created / sent / answered / escalated)", ["step"])
FOLLOWUPS = Counter("crm_ticket_followups_total",
                    "Follow-up visits by step (scheduled / completed / cancelled) and reason",
                    ["step", "reason"])

SLA_ALARMS = Counter("crm_ticket_sla_alarms_total",
                     "SLA alarms fired (warning: 75 % of a target used; breach: its due passed), "
                     "by target (first_response / resolution / update)", ["kind", "target"])

NOTICES = Counter("crm_ticket_supervisor_notices_total",
                  "Escalation notices to a supervisor (queued / no_supervisor: nobody to mail)",
                  ["outcome"])


def created(ticket):
    CREATED.labels(ticket.channel, ticket.priority).inc()


def assigned(reason):
    ASSIGNMENTS.labels(reason).inc()


def status_changed(to_status, reason):
    STATUS_CHANGES.labels(to_status, reason).inc()


def mail_received(outcome):
    MAIL_RECEIVED.labels(outcome).inc()


def mail_sent(counts):
    for result, number in counts.items():
        if number:
            MAIL_SENT.labels(result).inc(number)


def sla_alarm(kind, target):
    SLA_ALARMS.labels(kind, target).inc()


def notice_queued(outcome):
    NOTICES.labels(outcome).inc()


def survey(step):
    SURVEYS.labels(step).inc()


def followup(step, reason):
    FOLLOWUPS.labels(step, reason).inc()
