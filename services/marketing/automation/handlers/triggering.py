"""When a catalogued event is applied (in its inbox transaction, so exactly once per event):
one run per enabled rule on that trigger, scheduled at once or after the rule's delay; the
timer fires it (runs.py). Nothing else happens here — no condition is evaluated, no other
service called — so applying an event stays as fast and as safe to retry as before.

Which rules: enabled, and enabled before the event occurred (a replay of older events — the
audience's rebuild, a catch-up after an outage — never fires a rule for the past). The run's
(rule, event id) is unique: an event applied again after the inbox was emptied (rebuild) finds
its run there and schedules nothing. An event a rule's own action caused is logged as a skipped
run instead (loop protection: causation.py)."""
import json
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from services.chassis.db import insert_ignoring_conflicts
from services.chassis.models import utcnow
from services.marketing import metrics, settings
from services.marketing.automation import catalogue, causation
from services.marketing.automation.models import LOOP, SCHEDULED, SKIPPED, AutomationRule, AutomationRun


def schedule(uow, envelope):
    """Returns the number of runs recorded (scheduled or skipped as a loop)."""
    trigger = catalogue.find(envelope["source"], envelope["event_type"])
    if trigger is None:
        return 0
    session = uow.session
    rules = _enabled_rules(session, trigger.key)
    if not rules:
        return 0
    now, occurred = utcnow(), _occurred(envelope)
    depth, cause = causation.of(envelope)
    payload = envelope["payload"]
    customer_id = trigger.customer_of(payload)
    recorded = 0
    for rule in rules:
        if rule.enabled_at is None or (occurred is not None and occurred < rule.enabled_at):
            continue
        row = {"id": str(uuid.uuid4()), "rule_id": rule.id, "event_id": envelope["event_id"],
               "trigger": trigger.key, "payload": json.dumps(payload),
               "customer_id": customer_id if isinstance(customer_id, str) else None,
               "depth": depth, "outcome": SCHEDULED, "reason": None, "detail": None,
               "attempts": 0, "actions_done": 0,
               "due_at": now + timedelta(seconds=rule.delay_seconds),
               "created_at": now, "finished_at": None}
        loop = _loop(rule, depth, cause)
        if loop:
            row.update(outcome=SKIPPED, reason=LOOP, detail=loop, finished_at=now)
        inserted = insert_ignoring_conflicts(session, AutomationRun, row,
                                             ("rule_id", "event_id")).rowcount
        if inserted and loop:
            metrics.automation_run(SKIPPED, LOOP)
        recorded += inserted
    return recorded


def _enabled_rules(session, trigger_key):
    """The trigger's enabled rules, read once per unit of work (session) and trigger: a batch
    of events applied in one transaction asks once, not per event (bench/FINDINGS.md, the
    import's marketing CPU per row). A rule enabled while the batch is applied is one this
    batch's events would skip anyway: it was enabled after they occurred."""
    cache = session.info.setdefault("marketing.automation.enabled_rules", {})
    rules = cache.get(trigger_key)
    if rules is None:
        rules = cache[trigger_key] = list(session.scalars(select(AutomationRule).where(
            AutomationRule.trigger == trigger_key, AutomationRule.enabled.is_(True))))
    return rules


def _loop(rule, depth, cause):
    if cause == rule.id:
        return "The event was caused by this rule's own action."
    if depth >= settings.automation_max_depth():
        return (f"The event is {depth} rule actions deep (MARKETING_AUTOMATION_MAX_DEPTH "
                f"{settings.automation_max_depth()}).")
    return None


def _occurred(envelope):
    try:
        return datetime.fromisoformat(envelope["occurred_at"])
    except (KeyError, TypeError, ValueError):
        return None


def with_triggers(mapping):
    """The service's subscriptions ({source: {event_type: apply}}) with every catalogued event
    also scheduling its rules' runs, after its own projection (if any) in the same transaction
    — and subscribing to the catalogued events nothing else consumed."""
    combined = {source: dict(handlers) for source, handlers in mapping.items()}
    for trigger in catalogue.TRIGGERS.values():
        project = combined.setdefault(trigger.source, {}).get(trigger.event_type)
        combined[trigger.source][trigger.event_type] = _then_schedule(project, trigger.event_type)
    return combined


def _then_schedule(project, name):
    def apply(uow, envelope):
        if project is not None:
            project(uow, envelope)
        schedule(uow, envelope)
    apply.__name__ = name
    return apply
