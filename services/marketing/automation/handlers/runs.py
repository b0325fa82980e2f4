"""Firing the runs that are due, once across replicas: a run is claimed by a conditional UPDATE
(scheduled and due → running, with this replica's token and a lease); only the claimant fires
it, and only the claimant's token can finish it. A replica that dies mid-run leaves it running
with an expired lease: the next round takes it again, and the actions are safe to repeat —
tags are sets, the static list ignores a contact already on it, and the task is created under
an Idempotency-Key of (run, action), so sales answers the first task instead of making another.

At fire time: the rule must still be enabled (else skipped: rule_disabled), the conditions are
evaluated on the event and on the customer's profile as marketing knows it now (false: skipped:
condition_false), then the actions run in order. A refusal from a service (4xx: the customer
was deleted, the owner is no active user…) fails the run with its reason; an outage (5xx, no
answer) or a customer marketing does not know yet (its customer_created travels on another
queue) schedules it again with a growing back-off, up to MARKETING_AUTOMATION_MAX_ATTEMPTS.
"""
import json
import logging
import uuid
from datetime import timedelta

from sqlalchemy import and_, or_, select

from services.chassis.auth import Principal
from services.chassis.errors import CrmError
from services.chassis.idempotency import Idempotency, fingerprint
from services.chassis.periodic import claim
from services.marketing import settings
from services.marketing.automation import actions, catalogue, causation, conditions
from services.marketing.automation.models import (ACTION_FAILED, CONDITION_FALSE, DONE, FAILED,
                                                  NO_CUSTOMER,
                                                  RETRIES_EXHAUSTED, RULE_DISABLED, RUNNING,
                                                  SCHEDULED, SKIPPED, AutomationRule,
                                                  AutomationRun)
from services.marketing.segments.handlers import members

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH = 50


class ActionRefused(CrmError):
    """An action that cannot be done for this event (a 422-like refusal: the run fails)."""
    http_status = 422
    code = "automation_action_refused"


class Retry(Exception):
    """Not now: schedule the run again (the message says why)."""


def _fireable(now):
    return or_(and_(AutomationRun.outcome == SCHEDULED, AutomationRun.due_at <= now),
               and_(AutomationRun.outcome == RUNNING, AutomationRun.lease_until < now))


def fire_due(db, remote, now):
    """Claim and fire the runs due at `now`, a batch per round; returns how many were fired."""
    with db.read_only() as session:
        due = list(session.scalars(select(AutomationRun.id).where(_fireable(now))
                                   .order_by(AutomationRun.due_at).limit(BATCH)))
    fired = 0
    for run_id in due:
        token = str(uuid.uuid4())
        with db.unit_of_work() as uow:
            won = claim(uow.session, AutomationRun, AutomationRun.id == run_id, _fireable(now),
                        outcome=RUNNING, claim=token, lease_until=now + LEASE,
                        attempts=AutomationRun.attempts + 1)
        if won:
            fire(db, remote, run_id, token, now)
            fired += 1
    return fired


def fire(db, remote, run_id, token, now):
    try:
        outcome, reason, detail = _fire(db, remote, run_id, now)
    except Retry as wait:
        return _again(db, run_id, token, now, str(wait))
    except CrmError as error:
        if error.http_status >= 500:
            return _again(db, run_id, token, now, error.message)
        outcome, reason, detail = FAILED, ACTION_FAILED, error.message
    except Exception as error:                      # a bug or an outage: retried, then failed
        log.warning("automation run %s failed", run_id, exc_info=True)
        return _again(db, run_id, token, now, f"{type(error).__name__}: {error}")
    _finish(db, run_id, token, now, outcome=outcome, reason=reason, detail=detail,
            finished_at=now, lease_until=None)


def _fire(db, remote, run_id, now):
    with db.read_only() as session:
        run = session.get(AutomationRun, run_id)
        rule = session.get(AutomationRule, run.rule_id)
        if rule is None or not rule.enabled:
            return SKIPPED, RULE_DISABLED, "The rule was disabled before the run was due."
        trigger = catalogue.trigger(run.trigger)
        try:
            event_fields = trigger.read(json.loads(run.payload))
        except Exception as error:                  # marshmallow's ValidationError, bad JSON
            return FAILED, ACTION_FAILED, f"The event's payload is unreadable: {error}"
        typed, problems = conditions.validate(session, trigger, json.loads(rule.conditions))
        if problems:
            return FAILED, ACTION_FAILED, f"The rule's conditions are no longer valid: {problems}"
        contact = conditions.contact_of(session, run.customer_id)
        if contact is None and _needs_contact(rule, typed):
            if not run.customer_id:
                return SKIPPED, NO_CUSTOMER, "The event names no customer to act on."
            raise Retry(f"Customer {run.customer_id} is not in marketing's audience yet.")
        false = conditions.first_false(session, trigger, typed, event_fields, contact, now)
        if false is not None:
            shown = json.dumps(json.loads(rule.conditions)[false])
            return SKIPPED, CONDITION_FALSE, f"Condition {false} is false: {shown}"
        todo = json.loads(rule.actions)
        context = Context(run, contact, causation.actor(run.depth + 1, rule.id), rule)
        session.expunge_all()       # `context` is read after this read-only session ends
    done = [_act(db, remote, context, index, action) for index, action in enumerate(todo)]
    return DONE, None, "; ".join(done)


def _needs_contact(rule, typed):
    return any(c["on"] != "event" for c in typed) or any(
        a["type"] in actions.NEEDS_CUSTOMER for a in json.loads(rule.actions))


class Context:
    def __init__(self, run, contact, actor, rule):
        self.run, self.contact, self.actor, self.rule = run, contact, actor, rule
        self.principal = Principal(user_id=actor, role="system")

    @property
    def customer_id(self):
        return self.contact["customer_id"]


def _act(db, remote, context, index, action):
    kind = action["type"]
    if kind in (actions.ADD_TAG, actions.REMOVE_TAG):
        method = "tag_customers" if kind == actions.ADD_TAG else "untag_customers"
        remote.call(context.principal, "customers", method, [context.customer_id], action["tags"])
        return f"{kind} {', '.join(action['tags'])}"
    if kind == actions.ADD_TO_SEGMENT:
        with db.unit_of_work(actor=context.actor) as uow:
            members.put_on_list(uow, context.principal, action["segment_id"],
                                [context.contact["id"]])
        return f"{kind} {action['segment_id']}"
    if kind == actions.CREATE_TASK:
        return _task(remote, context, index, action)
    raise ActionRefused(f"The action {kind} is not available yet.")   # never enabled: rules.py


def _task(remote, context, index, action):
    owner = context.contact.get("owner_id")
    if not owner:
        raise ActionRefused("The customer has no owner to give the task to.")
    run = context.run
    # Stable across retries (the Idempotency-Key's fingerprint must not change).
    due = run.created_at + timedelta(seconds=context.rule.delay_seconds,
                                     days=action.get("due_in_days", 1))
    data = {"title": action["title"], "kind": action.get("kind", "follow_up"),
            "customer_id": context.customer_id, "assignee_id": owner, "due_at": due.isoformat()}
    key = f"automation-run:{run.id}:{index}"
    task = remote.call(context.principal, "sales", "create_task", data,
                       idempotency=Idempotency(key, fingerprint(key, json.dumps(data,
                                                                               sort_keys=True))))
    return f"{actions.CREATE_TASK} {task.get('id')} for {owner}"


def _again(db, run_id, token, now, why):
    with db.read_only() as session:
        attempts = session.get(AutomationRun, run_id).attempts
    if attempts >= settings.automation_max_attempts():
        return _finish(db, run_id, token, now, outcome=FAILED, reason=RETRIES_EXHAUSTED,
                       detail=f"After {attempts} attempts: {why}", finished_at=now,
                       lease_until=None)
    wait = min(settings.automation_retry_seconds() * 2 ** (attempts - 1), 3600)
    _finish(db, run_id, token, now, outcome=SCHEDULED, reason=None,
            detail=f"Attempt {attempts}: {why}", due_at=now + timedelta(seconds=wait),
            lease_until=None)


def _finish(db, run_id, token, now, **values):
    """Only the claimant (its token, still running) writes the result."""
    with db.unit_of_work() as uow:
        if not claim(uow.session, AutomationRun, AutomationRun.id == run_id,
                     AutomationRun.claim == token, AutomationRun.outcome == RUNNING,
                     claim=None, **values):
            log.info("automation run %s was taken over by another replica", run_id)
