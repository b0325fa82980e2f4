"""The events routing publishes (configuration is data, DESIGN.md §5: reporting and a rebuild
follow who was routed where and why)."""
from marshmallow import Schema, fields


class Rule(Schema):
    category = fields.String(allow_none=True)
    channel = fields.String(allow_none=True)
    team_id = fields.String(required=True)


class RoutingRulesReplaced(Schema):
    rules = fields.List(fields.Nested(Rule), required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


class TeamRoutingChanged(Schema):
    team_id = fields.String(required=True)
    mode = fields.String(required=True)
    previous_mode = fields.String(required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


class AgentAvailabilityChanged(Schema):
    user_id = fields.String(required=True)
    team_id = fields.String(allow_none=True)
    away = fields.Boolean(required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {"routing_rules_replaced": RoutingRulesReplaced(),
                 "team_routing_changed": TeamRoutingChanged(),
                 "agent_availability_changed": AgentAvailabilityChanged()}
