"""A rule's actions, run in order when its conditions hold. Each is validated when the rule is
saved (an unknown type, a missing or wrong field, a segment that is not a static list, a
template that does not exist: a 422 naming the action's index and field):

    {"type": "add_tag", "tags": ["welcomed"]}                 customers' tag_customers
    {"type": "remove_tag", "tags": ["prospect"]}              customers' untag_customers
    {"type": "add_to_segment", "segment_id": "<static list>"} marketing's own list
    {"type": "create_task", "title": "Call about the order", "kind": "follow_up",
     "due_in_days": 2}                                        sales' create_task, for the owner
    {"type": "send_email", "template_id": "<email template>"} to the customer (if sendable)
    {"type": "notify_user", "template_id": "<email template>", "to": "owner" | "owner_manager"}
                                                              to a user (identity's address)

All but notify_user act on the customer the event names, so the trigger must name one. The
owner notify_user writes to is the event's `owner_id` where the trigger has one, on
target_at_risk the rep whose target it is (scope rep), else the customer's owner; the owner's
manager is identity's `manager_id` of that user.
"""
from marshmallow import ValidationError, fields, validate

from services.chassis.fields import Input, text
from services.marketing.segments.models import STATIC, Segment
from services.marketing.templates.models import EmailTemplate

ADD_TAG, REMOVE_TAG, ADD_TO_SEGMENT, CREATE_TASK = (
    "add_tag", "remove_tag", "add_to_segment", "create_task")
SEND_EMAIL, NOTIFY_USER = "send_email", "notify_user"
TYPES = (ADD_TAG, REMOVE_TAG, ADD_TO_SEGMENT, CREATE_TASK, SEND_EMAIL, NOTIFY_USER)
AVAILABLE = TYPES          # every type runs (a type added later may wait for its slice here)
TASK_KINDS = ("call", "email", "meeting", "follow_up", "other")
RECIPIENTS = ("owner", "owner_manager")
MAX_ACTIONS = 10


class _Action(Input):
    type = fields.String(required=True)


class Tags(_Action):
    tags = fields.List(text(50, required=True), required=True, validate=validate.Length(1, 10))


class ToSegment(_Action):
    segment_id = fields.String(required=True, validate=validate.Length(1, 36))


class Task(_Action):
    title = text(200, required=True)
    kind = fields.String(load_default="follow_up", validate=validate.OneOf(TASK_KINDS))
    due_in_days = fields.Integer(strict=True, load_default=1, validate=validate.Range(0, 365))


class Email(_Action):
    template_id = fields.String(required=True, validate=validate.Length(1, 36))


class Notify(Email):
    to = fields.String(load_default="owner", validate=validate.OneOf(RECIPIENTS))


SCHEMAS = {ADD_TAG: Tags, REMOVE_TAG: Tags, ADD_TO_SEGMENT: ToSegment, CREATE_TASK: Task,
           SEND_EMAIL: Email, NOTIFY_USER: Notify}
NEEDS_CUSTOMER = (ADD_TAG, REMOVE_TAG, ADD_TO_SEGMENT, CREATE_TASK, SEND_EMAIL)


def validate_all(session, trigger, actions):
    """(typed actions, {}) or (None, {index: problems})."""
    if not isinstance(actions, list) or not 1 <= len(actions) <= MAX_ACTIONS:
        return None, {"_schema": [f"A list of 1..{MAX_ACTIONS} actions."]}
    typed, errors = [], {}
    for index, action in enumerate(actions):
        value, problems = _one(session, trigger, action)
        if problems:
            errors[index] = problems
        typed.append(value)
    return (None, errors) if errors else (typed, {})


def _one(session, trigger, action):
    kind = action.get("type") if isinstance(action, dict) else None
    if not isinstance(kind, str) or kind not in SCHEMAS:
        return None, {"type": [f"One of: {', '.join(TYPES)}."]}
    try:
        value = SCHEMAS[kind]().load(action)
    except ValidationError as error:
        return None, error.messages
    if kind in NEEDS_CUSTOMER and trigger.customer_field is None:
        return None, {"type": [f"{trigger.key} names no customer to act on."]}
    if kind == ADD_TO_SEGMENT:
        segment = session.get(Segment, value["segment_id"])
        if segment is None or segment.kind != STATIC:
            return None, {"segment_id": ["Not an existing static list."]}
    if kind in (SEND_EMAIL, NOTIFY_USER) and session.get(EmailTemplate,
                                                          value["template_id"]) is None:
        return None, {"template_id": ["Not an existing email template."]}
    return value, {}


def unavailable(typed):
    """The action types of `typed` that cannot run yet (a rule with any cannot be enabled)."""
    return sorted({action["type"] for action in typed} - set(AVAILABLE))
