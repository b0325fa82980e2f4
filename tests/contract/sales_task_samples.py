"""Sample payloads of sales' task events (shared by the contract tests), and the fields the
events contract agreed for them."""
from datetime import datetime, timezone

AT = datetime(2026, 3, 14, 9, 30, tzinfo=timezone.utc)
TASK = {"id": "t-1", "title": "Follow up on the quote", "kind": "follow_up", "customer_id": "c-1",
        "deal_id": "d-1", "assignee_id": "u-rep", "due_at": AT, "status": "open",
        "origin": "quote_follow_up", "created_by": "u-rep", "created_at": AT,
        "completed_at": None}
TASK_SAMPLES = {
    "task_created": TASK,
    "task_updated": {**TASK, "changed": ["due_at"], "changed_by": "u-rep"},
    "task_completed": {**TASK, "status": "done", "completed_at": AT, "completed_by": "u-rep"},
    "task_due": TASK,
}
AGREED_RECORD = {"id", "title", "kind", "customer_id", "deal_id", "assignee_id", "due_at",
                 "status", "origin", "created_by", "created_at", "completed_at"}
