"""The SLA configuration as the clock uses it: a ticket's policy (by priority and its customer's
value class) and the calendars, read from sla_policy / sla_calendar, with built-in defaults when
nothing is stored: Frappe Helpdesk's targets on the "default" calendar — Monday to Friday
09:00–18:00 in SERVICE_DESK_SLA_TIME_ZONE."""
import json
from datetime import date, timedelta

from services.service_desk import settings
from services.service_desk.sla.calendar import BusinessCalendar
from services.service_desk.sla.models import SlaCalendar, SlaPolicyRow
from services.service_desk.sla.policy import DEFAULT_POLICIES, SlaPolicy

DEFAULT_CALENDAR = "default"
DEFAULT_WEEK = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def policy_row_for(session, priority, value_class):
    """(SlaPolicy, calendar id) for a new ticket: the class's own row, else the any-class row,
    else the default."""
    for klass in ((value_class, "") if value_class else ("",)):
        row = session.get(SlaPolicyRow, (priority, klass))
        if row is not None:
            return policy_of(row.first_response_seconds, row.resolution_seconds,
                             row.update_every_seconds), row.calendar_id
    return DEFAULT_POLICIES[priority], DEFAULT_CALENDAR


def policy_of(first_response_seconds, resolution_seconds, update_every_seconds):
    return SlaPolicy(timedelta(seconds=first_response_seconds), timedelta(seconds=resolution_seconds),
                     None if update_every_seconds is None else timedelta(seconds=update_every_seconds))


def calendar(session, calendar_id):
    row = session.get(SlaCalendar, calendar_id)
    if row is None:
        return BusinessCalendar.build(settings.sla_time_zone(), DEFAULT_WEEK)
    return BusinessCalendar.build(row.time_zone, json.loads(row.week),
                                  [date.fromisoformat(d) for d in json.loads(row.holidays)])
