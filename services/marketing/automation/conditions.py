"""A rule's conditions: all must hold (AND) for its actions to run. Each names what it looks at:

    {"on": "event",   "field": "total", "op": "gte", "value": "500.00", "currency": "EUR"}
    {"on": "contact", "field": "tags", "op": "none", "value": ["competitor"]}
    {"on": "segment", "op": "in", "value": "<segment id>"}        # or "not_in"

`event` fields are the trigger's payload fields (catalogue.py); `contact` fields are the
customer's profile in the audience (audience/profile.py, the segment rules' fields) — the same
operators and typed values as a segment rule, validated by segments/rules.py. A condition on
the contact needs a trigger that names a customer. Conditions are evaluated when the run
fires (after its delay): "3 days after the order, if still not tagged …" sees the state then.
"""
from sqlalchemy import select

from services.marketing.audience.profile import load_profiles
from services.marketing.audience.rows import surviving
from services.marketing.segments import rules
from services.marketing.segments.models import Segment, SegmentMember

ON = ("event", "contact", "segment")
SEGMENT_OPS = ("in", "not_in")
MAX_CONDITIONS = 20


def validate(session, trigger, conditions):
    """(typed conditions, {}) or (None, {index: problems})."""
    if not isinstance(conditions, list) or len(conditions) > MAX_CONDITIONS:
        return None, {"_schema": [f"A list of at most {MAX_CONDITIONS} conditions."]}
    typed, errors = [], {}
    for index, condition in enumerate(conditions):
        value, problems = _one(session, trigger, condition)
        if problems:
            errors[index] = problems
        typed.append(value)
    return (None, errors) if errors else (typed, {})


def _one(session, trigger, condition):
    if not isinstance(condition, dict):
        return None, {"_schema": ["A condition is an object: on, field, op, value."]}
    on, rest = condition.get("on"), {k: v for k, v in condition.items() if k != "on"}
    if on not in ON:
        return None, {"on": [f"One of: {', '.join(ON)}."]}
    if on != "event" and trigger.customer_field is None:
        return None, {"on": [f"{trigger.key} names no customer: only event conditions."]}
    if on == "segment":
        return _segment(session, rest)
    known = trigger.fields if on == "event" else rules.FIELDS
    typed, errors = rules.validate([[rest]], known)
    if errors:
        return None, errors[0][0]
    return {"on": on, **typed[0][0]}, {}


def _segment(session, condition):
    problems = {key: ["Unknown key."] for key in condition if key not in ("op", "value")}
    if condition.get("op") not in SEGMENT_OPS:
        problems["op"] = [f"One of: {', '.join(SEGMENT_OPS)}."]
    segment_id = condition.get("value")
    if not isinstance(segment_id, str) or session.get(Segment, segment_id) is None:
        problems["value"] = ["Not an existing segment's id."]
    if problems:
        return None, problems
    return {"on": "segment", "op": condition["op"], "value": segment_id}, {}


def contact_of(session, customer_id):
    """The profile of the customer's own contact (merges followed), or None if marketing does
    not know the customer (yet) or it is not in the audience."""
    if not customer_id:
        return None
    contact_id = surviving(session, customer_id)
    found = load_profiles(session, [contact_id]).get(contact_id)
    return found if found is not None and found["in_audience"] else None


def first_false(session, trigger, typed, event_fields, contact, now):
    """The index of the first condition that does not hold (None: all hold). `contact`: the
    profile or None (then every contact and segment condition is false)."""
    for index, condition in enumerate(typed):
        on, check = condition["on"], {k: v for k, v in condition.items() if k != "on"}
        if on == "event":
            holds = rules.matches([[check]], event_fields, now, trigger.fields)
        elif contact is None:
            holds = False
        elif on == "contact":
            holds = rules.matches([[check]], contact, now)
        else:
            member = session.scalar(select(SegmentMember.contact_id).where(
                SegmentMember.segment_id == condition["value"],
                SegmentMember.contact_id == contact["id"])) is not None
            holds = member if condition["op"] == "in" else not member
        if not holds:
            return index
    return None
