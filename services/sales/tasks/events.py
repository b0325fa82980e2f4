"""The events of tasks and reminders (their contract: docs/contracts.md).

task_created / task_updated / task_completed carry the whole task; task_due the same record,
emitted once when its due time passes while it is open. Times are UTC ISO 8601.
"""
from marshmallow import Schema, fields


class TaskRecord(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)       # call|email|meeting|follow_up|renewal|birthday|other
    customer_id = fields.String(allow_none=True)
    deal_id = fields.String(allow_none=True)
    assignee_id = fields.String(required=True)
    due_at = fields.AwareDateTime(required=True)
    status = fields.String(required=True)     # open | done | cancelled
    origin = fields.String(required=True)     # manual|stage_follow_up|quote_follow_up|renewal|birthday
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    completed_at = fields.AwareDateTime(allow_none=True)


class TaskUpdated(TaskRecord):
    changed = fields.List(fields.String(), required=True)
    changed_by = fields.String(required=True)


class TaskCompleted(TaskRecord):
    completed_by = fields.String(required=True)


EVENT_SCHEMAS = {
    "task_created": TaskRecord(),
    "task_updated": TaskUpdated(),
    "task_completed": TaskCompleted(),
    "task_due": TaskRecord(),
}
