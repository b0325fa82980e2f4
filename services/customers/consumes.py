"""Tolerant copies of the events customers consumes (identity's users).

The schema is the shared kernel's (services/kernel/users_copy.py): every service keeping a users copy
reads the same fields, tolerantly (unknown=EXCLUDE).
"""
from services.kernel.users_copy import USER_EVENTS, UserEvent  # noqa: F401
