"""Automation rules changing (automation_rule_created / _updated: the whole rule, enabled or
not) — configuration is data (DESIGN.md §5). Runs are not published one by one: a rule on a
busy trigger would double the event traffic for what the run log already answers."""
from marshmallow import Schema, fields


class RuleRecord(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    trigger = fields.String(required=True)
    conditions = fields.Raw(required=True)
    actions = fields.Raw(required=True)
    delay_seconds = fields.Integer(required=True)
    enabled = fields.Boolean(required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {name: RuleRecord() for name in
                 ("automation_rule_created", "automation_rule_updated")}
