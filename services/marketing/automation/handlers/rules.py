"""Creating, changing, enabling and reading automation rules. A rule is validated whole on every
save — its trigger against the catalogue, its conditions and actions against the trigger's
fields (catalogue.py, conditions.py, actions.py) — and anything wrong is a 422 naming the
trigger, or the index and field of the condition or action, and nothing is written. Each
change publishes the whole rule (automation_rule_created / _updated)."""
import json
import uuid

from sqlalchemy import select

from services.chassis import normalize, pagination
from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.models import utcnow
from services.chassis.validation import load, shared
from services.marketing.automation import actions, catalogue, conditions, schemas
from services.marketing.automation.models import AutomationRule
from services.marketing.segments import rules as contact_rules

RULE = schemas.AutomationRule()


def dump(rule):
    typed_actions = json.loads(rule.actions)
    return RULE.dump({**{name: getattr(rule, name) for name in (
        "id", "name", "description", "trigger", "delay_seconds", "enabled", "enabled_at",
        "created_by", "created_at", "updated_at")},
        "conditions": json.loads(rule.conditions), "actions": typed_actions,
        "runnable": not actions.unavailable(typed_actions)})


def get(session, rule_id, for_write=False):
    rule = session.get(AutomationRule, rule_id, with_for_update=for_write) \
        if isinstance(rule_id, str) else None
    if rule is None:
        raise NotFound(f"No automation rule {rule_id}.", {"id": rule_id})
    return rule


def checked(session, trigger_key, given_conditions, given_actions):
    """(trigger, conditions, actions) as stored (JSON-able), or Invalid naming each problem."""
    trigger = catalogue.trigger(trigger_key)
    if trigger is None:
        raise Invalid("The rule is not valid.", {"trigger": [
            f"Unknown trigger {trigger_key!r}. Known: {', '.join(sorted(catalogue.TRIGGERS))}."]})
    errors = {}
    _typed, problems = conditions.validate(session, trigger, given_conditions)
    if problems:
        errors["conditions"] = problems
    _typed, problems = actions.validate_all(session, trigger, given_actions)
    if problems:
        errors["actions"] = problems
    if errors:
        raise Invalid("The rule is not valid.", errors)
    return trigger, given_conditions, given_actions


def _unique_name(session, name, rule_id=None):
    name_norm = normalize.text(name)[:200]
    other = session.scalar(select(AutomationRule.id).where(AutomationRule.name_norm == name_norm))
    if other and other != rule_id:
        raise Conflict("An automation rule with this name already exists.",
                       {"duplicate_of": other, "field": "name"})
    return name_norm


def _refuse_unavailable(rule):
    missing = actions.unavailable(json.loads(rule.actions))
    if missing:
        raise Conflict(f"The rule cannot be enabled: its action(s) {', '.join(missing)} are not "
                       "available yet.",
                       {"actions": missing})


def _event(uow, event_type, rule, principal, now):
    uow.emit(event_type, {"id": rule.id, "name": rule.name, "trigger": rule.trigger,
                          "conditions": json.loads(rule.conditions),
                          "actions": json.loads(rule.actions),
                          "delay_seconds": rule.delay_seconds, "enabled": rule.enabled,
                          "changed_by": principal.user_id, "changed_at": now})


def create_rule(uow, principal, data):
    data = load(schemas.AutomationRuleCreate, data)
    session, now = uow.session, utcnow()
    _trigger, given_conditions, given_actions = checked(
        session, data["trigger"], data["conditions"], data["actions"])
    rule = AutomationRule(id=str(uuid.uuid4()), name=data["name"],
                          name_norm=_unique_name(session, data["name"]),
                          description=data.get("description"), trigger=data["trigger"],
                          conditions=json.dumps(given_conditions),
                          actions=json.dumps(given_actions),
                          delay_seconds=data["delay_seconds"], enabled=data["enabled"],
                          enabled_at=now if data["enabled"] else None,
                          created_by=principal.user_id, created_at=now, updated_at=now)
    if rule.enabled:
        _refuse_unavailable(rule)
    session.add(rule)
    session.flush()
    _event(uow, "automation_rule_created", rule, principal, now)
    return dump(rule)


def update_rule(uow, principal, rule_id, data):
    changes = load(schemas.AutomationRuleUpdate, data, partial=True)
    session, now = uow.session, utcnow()
    rule = get(session, rule_id, for_write=True)
    trigger_key = changes.get("trigger", rule.trigger)
    _trigger, given_conditions, given_actions = checked(
        session, trigger_key, changes.get("conditions", json.loads(rule.conditions)),
        changes.get("actions", json.loads(rule.actions)))
    if "name" in changes:
        rule.name_norm = _unique_name(session, changes["name"], rule.id)
        rule.name = changes["name"]
    if "description" in changes:
        rule.description = changes["description"]
    if "delay_seconds" in changes:
        rule.delay_seconds = changes["delay_seconds"]
    rule.trigger, rule.conditions, rule.actions = (
        trigger_key, json.dumps(given_conditions), json.dumps(given_actions))
    if rule.enabled:
        _refuse_unavailable(rule)
    rule.updated_at = now
    _event(uow, "automation_rule_updated", rule, principal, now)
    return dump(rule)


def set_enabled(uow, principal, rule_id, enabled):
    """Enabling starts it on the events that occur from now on; disabling skips its runs not
    yet fired (their log says rule_disabled). The same state again changes nothing."""
    session, now = uow.session, utcnow()
    rule = get(session, rule_id, for_write=True)
    if rule.enabled == enabled:
        return dump(rule)
    if enabled:
        checked(session, rule.trigger, json.loads(rule.conditions), json.loads(rule.actions))
        _refuse_unavailable(rule)
    rule.enabled, rule.enabled_at, rule.updated_at = enabled, now if enabled else None, now
    _event(uow, "automation_rule_updated", rule, principal, now)
    return dump(rule)


def get_rule(session, principal, rule_id):
    return dump(get(session, rule_id))


def list_rules(session, principal, query=None):
    filters = load(schemas.AutomationRuleQuery, query or {})
    statement = select(AutomationRule)
    if filters.get("trigger"):
        statement = statement.where(AutomationRule.trigger == filters["trigger"])
    if filters.get("enabled") is not None:
        statement = statement.where(AutomationRule.enabled == filters["enabled"])
    scope = f"automation-rules:{filters.get('trigger')}:{filters.get('enabled')}"
    return pagination.newest_first(session, statement, AutomationRule, filters, scope,
                                   lambda _session, rows: [dump(row) for row in rows])


def describe():
    """What a rule may name: the triggers with their fields, the actions, the contact fields."""
    return shared(schemas.AutomationCatalogue).dump({
        "triggers": [{"trigger": t.key, "source": t.source, "event_type": t.event_type,
                      "description": t.description, "fields_": dict(t.fields),
                      "names_customer": t.customer_field is not None}
                     for t in catalogue.TRIGGERS.values()],
        "actions": [{"type": kind, "available": kind in actions.AVAILABLE,
                     "needs_customer": kind in actions.NEEDS_CUSTOMER} for kind in actions.TYPES],
        "contact_fields": dict(contact_rules.FIELDS)})
