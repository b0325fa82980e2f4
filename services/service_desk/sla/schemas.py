"""SLA RPC inputs (validated here; unknown fields refused) and outputs: a ticket's SLA state,
calendars and policies. The gateway names them ("service_desk:TicketSlaState", ...)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import Input, text, time_zone
from services.service_desk.sla.calendar import WEEKDAYS, BusinessCalendar, parse_clock
from services.service_desk.sla.policy import PRIORITIES

TARGET_STATUSES = ("running", "paused", "fulfilled", "breached")
WEEK_DAYS = 7 * 24 * 3600  # the longest target a policy takes, in seconds


def _clock(value):
    try:
        parse_clock(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class SlaMeasures(Schema):
    """A ticket's SLA in its events (track.measures): business seconds consumed up to the
    instant that stopped each target (None while it runs) and the target's status then."""
    first_response_seconds = fields.Integer(allow_none=True)
    first_response_status = fields.String(validate=validate.OneOf(TARGET_STATUSES))
    resolution_seconds = fields.Integer(allow_none=True)
    resolution_status = fields.String(validate=validate.OneOf(TARGET_STATUSES))


Period = fields.List(fields.String(validate=_clock), validate=validate.Length(equal=2))


class CalendarInput(Input):
    name = text(100, required=True)
    time_zone = fields.String(required=True, validate=time_zone)
    week = fields.Dict(keys=fields.String(validate=validate.OneOf(WEEKDAYS)),
                       values=fields.List(Period, validate=validate.Length(max=6)), required=True,
                       metadata={"description": 'working periods per weekday in local time, e.g. '
                                                '{"mon": [["09:00", "12:00"], ["13:00", "18:00"]]}; '
                                                '"24:00" ends a period at midnight'})
    holidays = fields.List(fields.Date(), validate=validate.Length(max=1000), load_default=list)

    @validates_schema
    def _a_real_calendar(self, data, **kwargs):
        try:
            BusinessCalendar.build(data["time_zone"], data["week"], data.get("holidays") or ())
        except (KeyError, ValueError) as error:
            raise ValidationError(str(error), "week") from None


class Calendar(Schema):
    id = fields.String()
    name = fields.String()
    time_zone = fields.String()
    week = fields.Dict(keys=fields.String(), values=fields.List(fields.List(fields.String())))
    holidays = fields.List(fields.Date())
    updated_by = fields.String()
    updated_at = fields.AwareDateTime()


def _seconds(required=True, **kwargs):
    return fields.Integer(required=required, validate=validate.Range(min=60, max=WEEK_DAYS), **kwargs)


class PolicyInput(Input):
    priority = fields.String(required=True, validate=validate.OneOf(PRIORITIES))
    value_class = fields.String(load_default="", validate=validate.OneOf(("", "A", "B", "C", "D")),
                                metadata={"description": '"" for every class; a class\'s own '
                                                         'policy must be at least as fast'})
    first_response_seconds = _seconds()
    resolution_seconds = _seconds()
    update_every_seconds = _seconds(required=False, allow_none=True, load_default=None)
    calendar_id = fields.String(load_default="default", validate=validate.Length(min=1, max=40))


class Policy(Schema):
    priority = fields.String()
    value_class = fields.String()
    first_response_seconds = fields.Integer()
    resolution_seconds = fields.Integer()
    update_every_seconds = fields.Integer(allow_none=True)
    calendar_id = fields.String()
    updated_by = fields.String(allow_none=True)
    updated_at = fields.AwareDateTime(allow_none=True)


class TargetState(Schema):
    allowed_seconds = fields.Integer()
    consumed_seconds = fields.Integer(metadata={"description": "business time consumed so far"})
    due_at = fields.AwareDateTime(allow_none=True, metadata={"description": "null while paused"})
    warn_at = fields.AwareDateTime(allow_none=True)
    stopped_at = fields.AwareDateTime(allow_none=True)
    status = fields.String(validate=validate.OneOf(TARGET_STATUSES))


class TicketSlaState(Schema):
    ticket_id = fields.String()
    priority = fields.String(metadata={"description": "the priority whose policy the ticket got"})
    value_class = fields.String(allow_none=True)
    calendar_id = fields.String()
    first_response = fields.Nested(TargetState)
    resolution = fields.Nested(TargetState)
    update = fields.Nested(TargetState, allow_none=True)
    update_breaches = fields.Integer()
    paused = fields.Boolean()
    breached = fields.Boolean()
    fulfilled = fields.Boolean()
    escalated_at = fields.AwareDateTime(allow_none=True)
    as_of = fields.AwareDateTime()
