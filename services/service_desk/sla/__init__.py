"""SLA arithmetic on business hours (issue 12 §5), pure: no database, no broker.

- `calendar`: business-hours calendars (time zone, working periods per weekday, holidays) and the
  business-time arithmetic on them (add, elapsed, is-working, next working instant).
- `policy`: the targets per priority (Frappe Helpdesk's defaults) and per customer value class.
- `clock`: a ticket's SLA state from its creation, status history and public replies.
"""
