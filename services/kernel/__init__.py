"""The shared kernel: domain logic several services share on purpose (DESIGN.md §3).

Not infrastructure (that is services/chassis/): the copy of identity's users a service keeps from
its events (users_copy.py) and round-robin assignment of owners over that copy (assignment.py).
"""
