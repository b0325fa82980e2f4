"""Routing's RPC inputs (validated here; unknown fields refused) and outputs."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import Boolean, Input, page_cursor, page_limit, text
from services.service_desk.routing.models import MODES
from services.service_desk.tickets.models import CHANNELS

MAX_RULES = 100


def reference(**kwargs):
    return fields.String(validate=validate.Length(min=1, max=36), **kwargs)


class Rule(Input):
    category = text(64, metadata={"description": "matches a ticket of this category"})
    channel = fields.String(allow_none=True, validate=validate.OneOf(CHANNELS))
    team_id = reference(required=True)

    @validates_schema
    def _says_something(self, data, **kwargs):
        if not data.get("category") and not data.get("channel"):
            raise ValidationError("A rule matches a category, a channel or both.", "_schema")


class RuleSet(Input):
    rules = fields.List(fields.Nested(Rule), required=True,
                        validate=validate.Length(max=MAX_RULES), metadata={
                            "description": "in order: the first that matches a new ticket "
                                           "without a team gives its team"})


class RoutingRules(Schema):
    rules = fields.List(fields.Nested(Rule), required=True)
    changed_by = fields.String(allow_none=True)
    changed_at = fields.DateTime(allow_none=True)


class TeamRoutingSet(Input):
    mode = fields.String(required=True, validate=validate.OneOf(MODES), metadata={
        "description": "manual: no assignee (the team's queue); round_robin: agents in turn; "
                       "least_loaded: the agent with the fewest unresolved tickets"})


class TeamRouting(Schema):
    team_id = fields.String(required=True)
    mode = fields.String(required=True)
    last_assignee_id = fields.String(allow_none=True)
    turns = fields.Integer(required=True)
    changed_by = fields.String(allow_none=True)
    changed_at = fields.DateTime(allow_none=True)


class AvailabilitySet(Input):
    away = Boolean(required=True)


class AgentQuery(Input):
    team_id = reference()
    cursor = page_cursor()
    limit = page_limit()


class Agent(Schema):
    id = fields.String(required=True)
    name = fields.String(allow_none=True)
    role = fields.String(required=True)
    team_id = fields.String(allow_none=True)
    active = fields.Boolean(required=True)
    away = fields.Boolean(required=True)
    unresolved = fields.Integer(required=True, metadata={
        "description": "tickets assigned to them that are open or paused"})
