"""SLA use cases: a ticket's SLA state (as of now), and the configuration — calendars and
policies, set by admins and support managers and published (configuration is data, DESIGN.md
§5: sla_calendar_set, sla_policy_set). A changed policy applies to tickets created (or
re-prioritised) after it; running tickets keep the targets they were given."""
import json
from datetime import date

from sqlalchemy import select

from services.chassis.errors import Invalid, NotFound
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.service_desk.sla import config, schemas, track
from services.service_desk.sla.models import SlaCalendar, SlaPolicyRow, TicketSla
from services.service_desk.sla.policy import DEFAULT_POLICIES, PRIORITIES
from services.service_desk.tickets import scopes

STATE, CALENDAR, POLICY = schemas.TicketSlaState(), schemas.Calendar(), schemas.Policy()


def _target(target):
    if target is None:
        return None
    return {"allowed_seconds": int(target.allowed.total_seconds()),
            "consumed_seconds": int(target.consumed.total_seconds()), "due_at": target.due_at,
            "warn_at": target.warn_at, "stopped_at": target.stopped_at, "status": target.status}


def get_ticket_sla(session, principal, ticket_id, now=None):
    ticket = scopes.one(session, principal, ticket_id)
    row = session.get(TicketSla, ticket.id)
    if row is None:
        raise NotFound(f"Ticket {ticket.id} has no SLA clock.", {"id": ticket.id})
    now = now or utcnow()
    sla = track.evaluate(session, row, now)
    return STATE.dump({
        "ticket_id": ticket.id, "priority": row.priority, "value_class": row.value_class,
        "calendar_id": row.calendar_id, "first_response": _target(sla.first_response),
        "resolution": _target(sla.resolution), "update": _target(sla.update),
        "update_breaches": sla.update_breaches, "paused": sla.paused,
        "breached": row.breached or sla.breached, "fulfilled": sla.fulfilled,
        "escalated_at": row.escalated_at, "as_of": now})


def _calendar_values(row):
    return {"id": row.id, "name": row.name, "time_zone": row.time_zone, "week": json.loads(row.week),
            "holidays": [date.fromisoformat(d) for d in json.loads(row.holidays)],
            "updated_by": row.updated_by, "updated_at": row.updated_at}


def _calendar_out(row):
    return CALENDAR.dump(_calendar_values(row))


def set_calendar(uow, principal, calendar_id, data):
    if not isinstance(calendar_id, str) or not 1 <= len(calendar_id) <= 40:
        raise Invalid("The request is not valid.", {"id": ["1 to 40 characters."]})
    fields = load(schemas.CalendarInput, data)
    session, now = uow.session, utcnow()
    row = session.get(SlaCalendar, calendar_id) or SlaCalendar(id=calendar_id)
    row.name, row.time_zone = fields["name"], fields["time_zone"]
    row.week = json.dumps(fields["week"], sort_keys=True)
    row.holidays = json.dumps(sorted(d.isoformat() for d in set(fields["holidays"])))
    row.updated_by, row.updated_at = principal.user_id, now
    session.add(row)
    session.flush()
    uow.emit("sla_calendar_set", _calendar_values(row))
    return _calendar_out(row)


def list_calendars(session):
    rows = session.scalars(select(SlaCalendar).order_by(SlaCalendar.id)).all()
    return [_calendar_out(row) for row in rows]


def _policy_values(row):
    return {name: getattr(row, name) for name in POLICY.fields}


def _policy_out(row):
    return POLICY.dump(_policy_values(row))


def set_policy(uow, principal, data):
    fields, session, now = load(schemas.PolicyInput, data), uow.session, utcnow()
    if fields["calendar_id"] != config.DEFAULT_CALENDAR and \
            session.get(SlaCalendar, fields["calendar_id"]) is None:
        raise Invalid("The request is not valid.", {"calendar_id": ["No such calendar."]})
    try:
        policy = config.policy_of(fields["first_response_seconds"], fields["resolution_seconds"],
                                  fields["update_every_seconds"])
        if fields["value_class"]:
            base, _ = config.policy_row_for(session, fields["priority"], None)
            if not policy.faster_or_equal(base):
                raise ValueError("A class's own policy can only be faster than the priority's.")
    except ValueError as error:
        raise Invalid("The request is not valid.", {"resolution_seconds": [str(error)]}) from None
    key = (fields["priority"], fields["value_class"])
    row = session.get(SlaPolicyRow, key) or SlaPolicyRow(priority=key[0], value_class=key[1])
    for name in ("first_response_seconds", "resolution_seconds", "update_every_seconds",
                 "calendar_id"):
        setattr(row, name, fields[name])
    row.updated_by, row.updated_at = principal.user_id, now
    session.add(row)
    session.flush()
    uow.emit("sla_policy_set", _policy_values(row))
    return _policy_out(row)


def list_policies(session):
    """The stored policies, and for each priority without a stored any-class one its default."""
    rows = {(r.priority, r.value_class): r for r in session.scalars(select(SlaPolicyRow))}
    items = []
    for priority in PRIORITIES:
        default = DEFAULT_POLICIES[priority]
        items.append(_policy_out(rows.pop((priority, ""), None) or SlaPolicyRow(
            priority=priority, value_class="", calendar_id=config.DEFAULT_CALENDAR,
            first_response_seconds=int(default.first_response.total_seconds()),
            resolution_seconds=int(default.resolution.total_seconds()))))
    items += [_policy_out(rows[key]) for key in sorted(rows)]
    return items
