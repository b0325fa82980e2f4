"""RPC inputs and outputs of tasks and their follow-up rules (re-exported by
services/sales/schemas.py, where the gateway's OpenAPI document finds them as `sales:Task`)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import Boolean, Input, page_cursor, page_limit, text

TASK_KINDS = ("call", "email", "meeting", "follow_up", "renewal", "birthday", "other")
TASK_STATUSES = ("open", "done", "cancelled")
TASK_ORIGINS = ("manual", "stage_follow_up", "quote_follow_up", "renewal", "birthday", "churn_risk")
TRIGGER = r"^(stage:[a-z0-9_]{1,40}|quote_sent)$"


def _ident():
    return fields.String(allow_none=True, validate=validate.Length(min=1, max=36))


class TaskUpdate(Input):
    """Partial. `status` here only cancels or reopens; completing is its own operation."""
    title = text(200, required=True)
    kind = fields.String(validate=validate.OneOf(TASK_KINDS))
    notes = text(4000, multiline=True)
    due_at = fields.AwareDateTime(required=True, metadata={"description": "UTC ISO 8601"})
    assignee_id = fields.String(validate=validate.Length(min=1, max=36))    # a task has one
    status = fields.String(validate=validate.OneOf(("open", "cancelled")))


class TaskCreate(Input):
    title = text(200, required=True)
    kind = fields.String(load_default="other", validate=validate.OneOf(TASK_KINDS))
    notes = text(4000, multiline=True)
    customer_id = _ident()
    deal_id = _ident()
    due_at = fields.AwareDateTime(required=True, metadata={"description": "UTC ISO 8601"})
    assignee_id = _ident()
    # default: the deal's owner for a task on a deal, else the caller

    @validates_schema
    def _on_something(self, data, **kwargs):
        if not data.get("customer_id") and not data.get("deal_id"):
            raise ValidationError("A task is on a customer, a deal, or both: give customer_id "
                                  "and/or deal_id.", "_schema")


class TaskQuery(Input):
    assignee_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    status = fields.String(allow_none=True, validate=validate.OneOf(TASK_STATUSES))
    customer_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    deal_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    due_before = fields.AwareDateTime(allow_none=True)
    overdue = Boolean(allow_none=True, metadata={
        "description": "true: open and past its due time; false: not overdue"})
    cursor = page_cursor()
    limit = page_limit()


class MyTasksQuery(Input):
    due_before = fields.AwareDateTime(allow_none=True, metadata={
        "description": "default: the end of today (UTC)"})
    cursor = page_cursor()
    limit = page_limit()


class Task(Schema):
    id = fields.String()
    title = fields.String()
    kind = fields.String()
    notes = fields.String(allow_none=True)
    customer_id = fields.String(allow_none=True)
    deal_id = fields.String(allow_none=True)
    assignee_id = fields.String()
    due_at = fields.AwareDateTime()
    overdue = Boolean(metadata={"description": "open and past its due time"})
    due_notified_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "when task_due was announced for the current due time"})
    status = fields.String(metadata={"description": "open | done | cancelled"})
    origin = fields.String(metadata={"description": " | ".join(TASK_ORIGINS)})
    created_by = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    completed_at = fields.AwareDateTime(allow_none=True)


class TaskRuleInput(Input):
    trigger = fields.String(required=True, validate=validate.Regexp(TRIGGER, error=(
        "stage:<stage key> or quote_sent.")))
    days = fields.Integer(strict=True, required=True, validate=validate.Range(0, 365))
    title = text(200, required=True)
    active = Boolean(load_default=True)


class TaskRulesUpdate(Input):
    rules = fields.List(fields.Nested(TaskRuleInput), required=True,
                        validate=validate.Length(max=100))

    @validates_schema
    def _distinct(self, data, **kwargs):
        triggers = [rule["trigger"] for rule in data.get("rules", [])]
        if len(triggers) != len(set(triggers)):
            raise ValidationError("Each trigger at most once.", "rules")


class TaskRule(Schema):
    trigger = fields.String(metadata={"description": "stage:<stage key> | quote_sent"})
    days = fields.Integer()
    title = fields.String()
    active = Boolean()


class TaskRules(Schema):
    rules = fields.List(fields.Nested(TaskRule))
