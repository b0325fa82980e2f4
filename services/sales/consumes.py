"""Tolerant copies of the events sales consumes: identity's users (assignment pools, teams).

The schema is the chassis's (services/chassis/users_copy.py): every service keeping a users copy
reads the same fields, tolerantly (unknown=EXCLUDE).
"""
from services.chassis.users_copy import USER_EVENTS, UserEvent  # noqa: F401
