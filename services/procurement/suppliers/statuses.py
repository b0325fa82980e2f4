"""A supplier's status (issue 14): `active` (may be ordered from), `on_hold` (kept, no new
orders — e.g. after a poor evaluation), `blocked` (no business at all). Going on hold or
blocked needs a reason. A blocked supplier is unblocked to active only (not straight to on
hold), and only by an admin. A move to the status it already has is no change."""
ACTIVE, ON_HOLD, BLOCKED = "active", "on_hold", "blocked"
STATUSES = (ACTIVE, ON_HOLD, BLOCKED)

ALLOWED = {ACTIVE: {ON_HOLD, BLOCKED}, ON_HOLD: {ACTIVE, BLOCKED}, BLOCKED: {ACTIVE}}
NEEDS_REASON = {ON_HOLD, BLOCKED}


def may_move(current, target):
    return target in ALLOWED[current]


def admin_only(current, target):
    """Unblocking is admin's: a buyer who blocked a supplier cannot quietly undo it."""
    return current == BLOCKED
