"""The service desk's own Prometheus metrics (module-level; the chassis exports them on
SERVICE_DESK_METRICS_PORT with the rest): tickets created by channel and priority, new tickets'
assignments by how they were made, status changes by the status reached and why. Counted when
made (a transaction rolled back afterwards is counted too: the counter says how much work was
done)."""
from prometheus_client import Counter

CREATED = Counter("crm_tickets_created_total", "Tickets created", ["channel", "priority"])
ASSIGNMENTS = Counter("crm_ticket_assignments_total",
                      "New tickets given an assignee, by how (created: as given; or the mode)",
                      ["reason"])
STATUS_CHANGES = Counter("crm_ticket_status_changes_total", "Ticket status changes",
                         ["to_status", "reason"])


def created(ticket):
    CREATED.labels(ticket.channel, ticket.priority).inc()


def assigned(reason):
    ASSIGNMENTS.labels(reason).inc()


def status_changed(to_status, reason):
    STATUS_CHANGES.labels(to_status, reason).inc()
