"""The service desk reports' queries (the RPC inputs) and outputs (documentation: queries.py
builds plain dicts of this shape), resolved by the gateway as "reporting:<name>" through
services/reporting/schemas.py."""
from marshmallow import Schema, fields, validate

from services.reporting.schema_parts import (Freshness, Input, Period, PeriodQuery, Values,
                                             group_by, time_zone)

TICKET_DIMENSIONS = ("team_id", "assignee_id", "category", "priority", "channel")
BACKLOG_DIMENSIONS = ("status", "team_id", "assignee_id", "priority", "category", "channel")
SURVEY_DIMENSIONS = ("team_id", "agent_id", "category", "priority")


class TicketsQuery(PeriodQuery):
    """The tickets created in the period (local dates in `tz`; default the last 30 days) and
    their KPIs, per day / week / month / quarter / year / total and any of the dimensions."""
    group_by = group_by(("period",) + TICKET_DIMENSIONS, ["period"])
    team_id, assignee_id, category, priority, channel = (Values(), Values(), Values(), Values(),
                                                         Values())
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


class BacklogQuery(Input):
    """The tickets not resolved now (open and paused statuses), counted per dimension."""
    group_by = group_by(BACKLOG_DIMENSIONS, ["status"])
    status, team_id, assignee_id, priority, category, channel = (
        Values(), Values(), Values(), Values(), Values(), Values())
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


class AgentsQuery(Input):
    """Per agent (the tickets' assignee now): the backlog now, and the KPIs of the tickets
    created in the period (local dates in `tz`; default the last 30 days)."""
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    tz = fields.String(load_default="UTC", validate=time_zone)
    team_id, assignee_id = Values(), Values()
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


class SatisfactionQuery(PeriodQuery):
    """The surveys answered in the period, by what their tickets were at resolution (agent,
    team, category, priority)."""
    group_by = group_by(("period",) + SURVEY_DIMENSIONS, ["period"])
    team_id, agent_id, category, priority = Values(), Values(), Values(), Values()
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


class FollowupsQuery(PeriodQuery):
    """The follow-up visits due in the period, per period and / or assignee."""
    group_by = group_by(("period", "assignee_id"), ["period"])
    assignee_id = Values()
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))


class ServiceDeskReport(Schema):
    group_by = fields.List(fields.String())
    filters = fields.Dict()
    period = fields.Nested(Period, allow_none=True)
    total = fields.Integer(metadata={"description": "rows in all (the page is limit/offset)"})
    rows = fields.List(fields.Dict(), metadata={
        "description": "One object per group: its dimensions, tickets, open, paused, resolved, "
                       "first_response_time and resolution_time {measured, median_seconds, "
                       "p90_seconds} in business seconds, sla {first_response, resolution: "
                       "met, breached, pending, compliance_percent}, breaches {first_response, "
                       "resolution, update, total}, reopened_tickets, reopens, reopen_rate "
                       "(the backlog: count and oldest_created_at; agents: backlog, "
                       "satisfaction and followups too; satisfaction: answered, csat_average, "
                       "satisfied_percent, distribution; follow-ups: due, done, done_on_time, "
                       "cancelled, open, overdue)"})
    freshness = fields.Nested(Freshness)
