"""A dynamic segment's rules: groups of conditions — a contact matches if every condition of
at least one group holds (AND within a group, OR across groups). Conditions name a field of the
contact's profile (audience/profile.py), an operator allowed for its type, and a value:

    {"field": "region", "op": "in", "value": ["north", "east"]}
    {"field": "tags", "op": "none", "value": ["competitor"]}
    {"field": "last_purchase_at", "op": "more_than_days_ago", "value": 365}
    {"field": "lifetime_value", "op": "gte", "value": "5000.00", "currency": "EUR"}

`validate` names every problem at its place (groups → index → index → key), so a bad rule is a
precise 422 that changes nothing; `matches` evaluates a validated rule at a given time (both
take another field catalogue too: automation rules name an event's payload fields with the
same operators, automation/conditions.py);
`next_boundary` says when the passing of time alone could change the answer (relative dates),
so the contact is looked at again then — and only then.
"""
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from services.chassis.fields import CURRENCIES, MAX_MONEY

TEXT, NUMBER, DATE, SET, MONEY = "text", "number", "date", "set", "money"
FIELDS = {
    **dict.fromkeys(("name", "email", "role", "kind", "customer_name", "customer_kind",
                     "industry", "region", "lifecycle_stage", "value_class", "owner_id"), TEXT),
    "size": NUMBER,
    **dict.fromkeys(("created_at", "customer_created_at", "last_interaction_at",
                     "last_purchase_at"), DATE),
    "tags": SET, "products": SET, "lifetime_value": MONEY,
}
PRESENCE = ("empty", "not_empty")
OPERATORS = {
    TEXT: ("eq", "neq", "in", "not_in", "contains", "starts_with") + PRESENCE,
    NUMBER: ("eq", "neq", "gt", "gte", "lt", "lte") + PRESENCE,
    DATE: ("before", "after", "within_last_days", "more_than_days_ago") + PRESENCE,
    SET: ("any", "all", "none") + PRESENCE,
    MONEY: ("eq", "gt", "gte", "lt", "lte"),
}
MAX_GROUPS, MAX_CONDITIONS, MAX_VALUES, MAX_DAYS = 20, 50, 500, 36500


# --- validation -------------------------------------------------------------------------------

def validate(groups, known=FIELDS):
    """(the rules with typed values, {}) or (None, errors) — errors keyed by position.
    `known`: {field: kind} the conditions may name (a contact's profile by default)."""
    if not isinstance(groups, list) or len(groups) > MAX_GROUPS:
        return None, {"_schema": [f"A list of at most {MAX_GROUPS} groups of conditions."]}
    errors, typed = {}, []
    for g, group in enumerate(groups):
        if not isinstance(group, list) or not 1 <= len(group) <= MAX_CONDITIONS:
            errors[g] = {"_schema": [f"A list of 1..{MAX_CONDITIONS} conditions."]}
            continue
        typed_group = []
        for c, condition in enumerate(group):
            value, problems = _condition(condition, known)
            if problems:
                errors.setdefault(g, {})[c] = problems
            typed_group.append(value)
        typed.append(typed_group)
    return (None, errors) if errors else (typed, {})


def _condition(condition, known=FIELDS):
    if not isinstance(condition, dict):
        return None, {"_schema": ["A condition is an object: field, op, value."]}
    problems = {key: ["Unknown key."] for key in condition
                if key not in ("field", "op", "value", "currency")}
    field = condition.get("field")
    kind = known.get(field) if isinstance(field, str) else None
    if kind is None:
        problems["field"] = [f"Unknown field. Known: {', '.join(sorted(known))}."]
        return None, problems
    op = condition.get("op")
    if op not in OPERATORS[kind]:
        problems["op"] = [f"Not an operator for {field}. Use one of: "
                          f"{', '.join(OPERATORS[kind])}."]
        return None, problems
    if kind == MONEY:
        if condition.get("currency") not in CURRENCIES:
            problems["currency"] = ["An ISO 4217 currency code (e.g. EUR) is required."]
    elif "currency" in condition:
        problems["currency"] = ["Only an amount (lifetime_value) takes a currency."]
    value, message = _value(kind, op, condition.get("value"), "value" in condition)
    if message:
        problems["value"] = [message]
    if problems:
        return None, problems
    typed = {"field": field, "op": op, "value": value}
    if kind == MONEY:
        typed["currency"] = condition["currency"]
    return typed, {}


def _strings(value):
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_VALUES or not all(
            isinstance(item, str) and 1 <= len(item) <= 200 for item in value):
        return None, f"A list of 1..{MAX_VALUES} texts."
    return value, None


def _value(kind, op, value, given):
    """(typed value, None) or (None, message)."""
    if op in PRESENCE:
        return (None, None) if value is None else (None, "No value for this operator.")
    if not given or value is None:
        return None, "A value is required for this operator."
    if kind == SET or op in ("in", "not_in"):
        return _strings(value)
    if kind == TEXT:
        ok = isinstance(value, str) and 1 <= len(value) <= 200
        return (value, None) if ok else (None, "A text of 1..200 characters.")
    if kind == NUMBER:
        ok = isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**12
        return (value, None) if ok else (None, "A whole number.")
    if kind == DATE and op in ("within_last_days", "more_than_days_ago"):
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DAYS
        return (value, None) if ok else (None, f"A whole number of days, 0..{MAX_DAYS}.")
    if kind == DATE:
        return _moment(value)
    return _money(value)


def _moment(value):
    """An ISO date (its midnight UTC) or a date-time with a zone."""
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return datetime.combine(date.fromisoformat(value), time(), timezone.utc), None
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                return moment, None
        except ValueError:
            pass
    return None, "An ISO 8601 date (2026-01-31) or date-time with a zone."


def _money(value):
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError
        amount = Decimal(str(value))
        if not amount.is_finite() or not 0 <= amount < MAX_MONEY or amount != round(amount, 2):
            raise ValueError
    except (ValueError, ArithmeticError):
        return None, "An amount as a string, 0..10^15 with at most 2 decimals (\"5000.00\")."
    return amount, None


# --- evaluation -------------------------------------------------------------------------------

def matches(groups, profile, now, known=FIELDS):
    """Whether `profile` satisfies validated `groups` at `now` (no group: nobody). An amount
    field of `profile` is {currency: Decimal} (an amount in another currency counts as 0)."""
    return any(all(_holds(condition, profile, now, known) for condition in group)
               for group in groups)


def _fold(value):
    return value.casefold() if isinstance(value, str) else value


def _holds(condition, profile, now, known=FIELDS):
    field, op, wanted = condition["field"], condition["op"], condition["value"]
    kind, actual = known[field], profile.get(field)
    if kind == MONEY:
        actual = (profile.get(field) or {}).get(condition["currency"], Decimal(0))
    if op == "empty":
        return actual in (None, "", [])
    if op == "not_empty":
        return actual not in (None, "", [])
    if kind == SET:
        have = {_fold(item) for item in actual or ()}
        want = {_fold(item) for item in wanted}
        return {"any": bool(have & want), "all": want <= have, "none": not have & want}[op]
    if op == "neq":
        return actual is None or _fold(actual) != _fold(wanted)
    if op == "not_in":
        return actual is None or _fold(actual) not in {_fold(item) for item in wanted}
    if actual is None:
        return False
    if op == "within_last_days":
        return actual >= now - timedelta(days=wanted)
    if op == "more_than_days_ago":
        return actual < now - timedelta(days=wanted)
    actual, wanted = _fold(actual), (_fold(wanted) if not isinstance(wanted, list) else wanted)
    return {
        "eq": lambda: actual == wanted, "in": lambda: actual in {_fold(w) for w in wanted},
        "contains": lambda: wanted in actual, "starts_with": lambda: actual.startswith(wanted),
        "gt": lambda: actual > wanted, "gte": lambda: actual >= wanted,
        "lt": lambda: actual < wanted, "lte": lambda: actual <= wanted,
        "before": lambda: actual < wanted, "after": lambda: actual > wanted,
    }[op]()


def next_boundary(groups, profile, now):
    """The earliest moment after `now` at which a relative-date condition of `groups` may have
    changed its answer for `profile` (a second past the edge; None: time alone changes
    nothing)."""
    boundaries = [profile[condition["field"]] + timedelta(days=condition["value"], seconds=1)
                  for group in groups for condition in group
                  if condition["op"] in ("within_last_days", "more_than_days_ago")
                  and profile.get(condition["field"]) is not None]
    return min((moment for moment in boundaries if moment > now), default=None)
