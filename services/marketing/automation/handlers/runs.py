"""Firing the runs that are due, once across replicas: a run is claimed by a conditional UPDATE
(scheduled and due, or running with an expired lease → running, with this replica's token and a
lease); only the claimant fires it, and only the claimant's token can record what it did. A
replica that dies mid-run leaves it running: when its lease expires the next round takes it
again, and the actions are safe to repeat (acting.py).

At fire time: the rule must still be enabled (else skipped: rule_disabled); the conditions are
evaluated on the event and on the customer's profile as marketing knows it now (false: skipped:
condition_false); a rule that sends the customer a mail skips a contact that may not be sent
to (skipped: contact_not_sendable — by its own consent or its address's: anyone holding the
address unsubscribed; checked before any action, so a run does all or none of its actions for
that reason); then the actions run in order, each recorded when done (`actions_done`), so a
retry resumes after them and does not evaluate the conditions again (the decision was made,
and an action may have changed what they read). A refusal (4xx: the
customer was deleted, the owner has no manager, the address bounces…) fails the run with its
reason; an outage (5xx, no answer, the mail server deferring) or a customer marketing does not
know yet (its customer_created travels on another queue) schedules it again with a growing
back-off, up to MARKETING_AUTOMATION_MAX_ATTEMPTS.
"""
import json
import logging
import uuid
from datetime import timedelta

from sqlalchemy import and_, or_, select

from services.chassis.errors import CrmError
from services.chassis.periodic import claim
from services.marketing import metrics, settings
from services.marketing.automation import actions, catalogue, causation, conditions
from services.marketing.automation.handlers import acting
from services.marketing.automation.handlers.acting import Retry
from services.marketing.automation.models import (ACTION_FAILED, CONDITION_FALSE, DONE, FAILED,
                                                  NO_CUSTOMER, NOT_SENDABLE, RETRIES_EXHAUSTED,
                                                  RULE_DISABLED, RUNNING, SCHEDULED, SKIPPED,
                                                  AutomationRule, AutomationRun)

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH = 50


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
        outcome, reason, detail = _fire(db, remote, run_id, token, now)
    except Retry as wait:
        return _again(db, run_id, token, now, str(wait))
    except CrmError as error:
        if error.http_status >= 500:
            return _again(db, run_id, token, now, error.message)
        outcome, reason, detail = FAILED, ACTION_FAILED, error.message
    except Exception as error:                      # a bug or an outage: retried, then failed
        log.warning("automation run %s failed", run_id, exc_info=True)
        return _again(db, run_id, token, now, f"{type(error).__name__}: {error}")
    _finish(db, run_id, token, outcome=outcome, reason=reason, detail=detail, finished_at=now,
            lease_until=None)


def _fire(db, remote, run_id, token, now):
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
        todo = json.loads(rule.actions)
        contact = conditions.contact_of(session, run.customer_id)
        if contact is None and _needs_contact(typed, todo):
            if not run.customer_id:
                return SKIPPED, NO_CUSTOMER, "The event names no customer to act on."
            raise Retry(f"Customer {run.customer_id} is not in marketing's audience yet.")
        started = run.actions_done
        if not started:
            false = conditions.first_false(session, trigger, typed, event_fields, contact, now)
            if false is not None:
                shown = json.dumps(json.loads(rule.conditions)[false])
                return SKIPPED, CONDITION_FALSE, f"Condition {false} is false: {shown}"
            if any(a["type"] == actions.SEND_EMAIL for a in todo) \
                    and not acting.sendable(session, contact):
                return SKIPPED, NOT_SENDABLE, (
                    f"Contact {contact['id']} may not be sent email (no address, unsubscribed "
                    "or do-not-contact — itself or another contact holding its address).")
        context = acting.Context(run, rule, trigger, event_fields, contact,
                                 causation.actor(run.depth + 1, rule.id))
    done = [f"the first {started} action(s) done on an earlier attempt"] if started else []
    for index, action in enumerate(todo):
        if index < started:
            continue
        done.append(acting.act(db, remote, context, index, action))
        _progress(db, run_id, token, index + 1)
    return DONE, None, "; ".join(done)


def _needs_contact(typed, todo):
    return any(c["on"] != "event" for c in typed) or any(
        a["type"] in actions.NEEDS_CUSTOMER for a in todo)


def _progress(db, run_id, token, count):
    with db.unit_of_work() as uow:
        claim(uow.session, AutomationRun, AutomationRun.id == run_id,
              AutomationRun.claim == token, actions_done=count)


def _again(db, run_id, token, now, why):
    with db.read_only() as session:
        run = session.get(AutomationRun, run_id)
        attempts, done = run.attempts, run.actions_done
    why = f"{why} ({done} action(s) done before)" if done else why
    if attempts >= settings.automation_max_attempts():
        return _finish(db, run_id, token, outcome=FAILED, reason=RETRIES_EXHAUSTED,
                       detail=f"After {attempts} attempts: {why}", finished_at=now,
                       lease_until=None)
    wait = min(settings.automation_retry_seconds() * 2 ** (attempts - 1), 3600)
    _finish(db, run_id, token, outcome=SCHEDULED, reason=None, detail=f"Attempt {attempts}: {why}",
            due_at=now + timedelta(seconds=wait), lease_until=None)


def _finish(db, run_id, token, **values):
    """Only the claimant (its token, still running) writes the result."""
    with db.unit_of_work() as uow:
        won = claim(uow.session, AutomationRun, AutomationRun.id == run_id,
                    AutomationRun.claim == token, AutomationRun.outcome == RUNNING,
                    claim=None, **values)
    if won:
        metrics.automation_run(values["outcome"], values.get("reason"))
    else:
        log.info("automation run %s was taken over by another replica", run_id)
