"""The value-class rule's decisions, pure functions (hand-checked in
tests/unit/reporting/test_value_class_rule.py): which suggestions a rule applies, and which
rule governs which customer.

What a rule applies (`applies`):
- "all": every suggestion that differs from the current class (a class set by hand is
  overwritten when the suggestion differs — the rule is the decision then);
- "upgrades": only a class higher than the current one, or a first class;
- "unclassified": only a first class, to customers that have none.

Which rule governs a customer: the rule of its owner's team when that team's manager has set
one (on or off: a manager may opt the team out), else the company's rule (set by an admin).
"""
from services.reporting.domains.analytics.value.classes import ORDER

APPLIES = ("all", "upgrades", "unclassified")
COMPANY = "company"


def team_scope(team_id):
    return f"team:{team_id}"


def applies(what, current, suggested):
    """Whether a rule applying `what` changes `current` (None: no class) to `suggested`."""
    if suggested == current:
        return False
    if what == "all":
        return True
    if what == "upgrades":
        return current not in ORDER or ORDER[suggested] > ORDER[current]
    return current is None


def governing(team_customers, company):
    """{customer id: scope}. `team_customers`: {team scope: the customer ids in that team's
    scope}, every team rule set, on or off; `company`: every customer id, or () when no
    company rule is set. A customer in two teams' scopes goes to the first scope in order."""
    governed = {}
    for scope in sorted(team_customers):
        for customer_id in team_customers[scope]:
            governed.setdefault(customer_id, scope)
    for customer_id in company:
        governed.setdefault(customer_id, COMPANY)
    return governed


def changes(governed, rules, suggested_by_months):
    """[(customer id, current, suggested, scope)] the enabled rules make, by customer id.
    `rules`: {scope: {"enabled", "applies", "months"}}; `suggested_by_months`: {months:
    {customer id: (current, suggested)}} for each enabled rule's window."""
    found = []
    for customer_id, scope in sorted(governed.items()):
        rule = rules[scope]
        if not rule["enabled"]:
            continue
        current, suggested = suggested_by_months[rule["months"]].get(customer_id, (None, None))
        if suggested and applies(rule["applies"], current, suggested):
            found.append((customer_id, current, suggested, scope))
    return found
