"""Tolerant copies of the events customers consumes (identity's users).

The schema is the chassis's (services/chassis/users_copy.py): every service keeping a users copy
reads the same fields, tolerantly (unknown=EXCLUDE).
"""
from services.chassis.users_copy import USER_EVENTS, UserEvent  # noqa: F401
