"""Automation's RPC inputs and outputs; the gateway names them ("marketing:AutomationRule",
...). Conditions and actions are validated by conditions.py / actions.py against the trigger's
catalogue entry (a 422 naming the index and the field)."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Boolean, Input, page_cursor, page_limit, text
from services.marketing.automation.models import OUTCOMES

MAX_DELAY_SECONDS = 90 * 86400
TRIGGER_DOC = ("the event that starts the rule, as source.event_type "
               "(GET /marketing/automation/catalogue lists them with their fields)")
CONDITIONS_DOC = ("all must hold: {on: event|contact, field, op, value[, currency]} or "
                  "{on: segment, op: in|not_in, value: segment id}; see docs/contracts.md#marketing")
ACTIONS_DOC = ("run in order: add_tag / remove_tag {tags}, add_to_segment {segment_id}, "
               "create_task {title, kind, due_in_days}, send_email {template_id}, notify_user "
               "{template_id, to: owner | owner_manager}; see docs/contracts.md#marketing")


def _conditions(**kwargs):
    return fields.Raw(metadata={"description": CONDITIONS_DOC, "type": "array"}, **kwargs)


def _actions(**kwargs):
    return fields.Raw(metadata={"description": ACTIONS_DOC, "type": "array"}, **kwargs)


def _delay(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(0, MAX_DELAY_SECONDS), metadata={
        "description": "run the actions this many seconds after the event (0: at once)"},
        **kwargs)


class AutomationRuleCreate(Input):
    name = text(200, required=True)
    description = text(2000, multiline=True)
    trigger = fields.String(required=True, validate=validate.Length(1, 80),
                            metadata={"description": TRIGGER_DOC})
    conditions = _conditions(load_default=list)
    actions = _actions(required=True)
    delay_seconds = _delay(load_default=0)
    enabled = Boolean(load_default=False, metadata={
        "description": "false (default): saved, not reacting to events until enabled"})


class AutomationRuleUpdate(Input):
    """Partial: what is given replaces what was (the whole rule is validated again)."""
    name = text(200, required=True)
    description = text(2000, multiline=True)
    trigger = fields.String(validate=validate.Length(1, 80), metadata={"description": TRIGGER_DOC})
    conditions = _conditions()
    actions = _actions()
    delay_seconds = _delay()


class AutomationRule(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(allow_none=True)
    trigger = fields.String(required=True, metadata={"description": TRIGGER_DOC})
    conditions = _conditions(required=True)
    actions = _actions(required=True)
    delay_seconds = fields.Integer(required=True)
    enabled = fields.Boolean(required=True)
    enabled_at = fields.DateTime(allow_none=True, metadata={
        "description": "since when it reacts: events that occurred before are not its own"})
    runnable = fields.Boolean(required=True, metadata={
        "description": "false: an action it names is not available yet (it cannot be enabled)"})
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class AutomationRuleQuery(Input):
    trigger = fields.String(allow_none=True, validate=validate.Length(1, 80))
    enabled = Boolean(allow_none=True)
    cursor = page_cursor()
    limit = page_limit()


class AutomationRunQuery(Input):
    outcome = fields.String(allow_none=True, validate=validate.OneOf(OUTCOMES))
    cursor = page_cursor()
    limit = page_limit()


class AutomationRun(Schema):
    id = fields.String(required=True)
    rule_id = fields.String(required=True)
    event_id = fields.String(required=True)
    trigger = fields.String(required=True)
    customer_id = fields.String(allow_none=True)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    reason = fields.String(allow_none=True, metadata={
        "description": "skipped: condition_false, contact_not_sendable, loop, rule_disabled, "
                       "no_customer; "
                       "failed: action_failed, retries_exhausted (detail: why; for a run scheduled "
                       "again, detail says why it waits)"})
    detail = fields.String(allow_none=True)
    depth = fields.Integer(required=True, metadata={
        "description": "how many rule actions led to the event (0: a person or a timer)"})
    attempts = fields.Integer(required=True)
    due_at = fields.DateTime(required=True)
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True)


class AutomationTrigger(Schema):
    trigger = fields.String(required=True)
    source = fields.String(required=True)
    event_type = fields.String(required=True)
    description = fields.String(required=True)
    fields_ = fields.Dict(keys=fields.String(), values=fields.String(), data_key="fields",
                          required=True, metadata={"description": "payload field → kind"})
    names_customer = fields.Boolean(required=True)


class AutomationActionType(Schema):
    type = fields.String(required=True)
    available = fields.Boolean(required=True)
    needs_customer = fields.Boolean(required=True)


class AutomationCatalogue(Schema):
    triggers = fields.List(fields.Nested(AutomationTrigger), required=True)
    actions = fields.List(fields.Nested(AutomationActionType), required=True)
    contact_fields = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
