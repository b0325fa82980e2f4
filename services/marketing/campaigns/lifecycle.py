"""A campaign's life: draft → scheduled → running → completed, or cancelled on the way.

- draft: everything may change; scheduled: waiting for its start (the timer starts it at
  `starts_at`, or a marketer does earlier), still editable, can go back to draft;
- running: only what does not change who it was aimed at — name, theme, goal, budget, end,
  owner; the timer completes it at `ends_at` (if set);
- completed / cancelled: final — nothing changes but cost entries (invoices arrive late).

Any other move is a 409 naming both states.
"""
DRAFT, SCHEDULED, RUNNING, COMPLETED, CANCELLED = (
    "draft", "scheduled", "running", "completed", "cancelled")
STATUSES = (DRAFT, SCHEDULED, RUNNING, COMPLETED, CANCELLED)
TRANSITIONS = {
    DRAFT: (SCHEDULED, CANCELLED),
    SCHEDULED: (DRAFT, RUNNING, CANCELLED),
    RUNNING: (COMPLETED, CANCELLED),
}
FINAL = (COMPLETED, CANCELLED)
# The fields a running campaign still takes; before it runs every field may change.
EDITABLE_WHILE_RUNNING = frozenset({"name", "theme", "goal_metric", "goal_target", "budget",
                                    "ends_at", "owner_id"})


def allowed(current, to):
    return to in TRANSITIONS.get(current, ())


def refused_fields(status, changes):
    """The changed fields `status` does not allow (sorted), [] when all may change."""
    if status in FINAL:
        return sorted(changes)
    if status == RUNNING:
        return sorted(set(changes) - EDITABLE_WHILE_RUNNING)
    return []
