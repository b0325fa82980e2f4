"""Doing one action of a run (runs.py decides when). Each is safe to repeat after a crash:
tags are sets, the static list ignores a contact already on it, the task is created under an
Idempotency-Key of (run, action) so sales answers the first task instead of making another,
and a mail carries a Message-ID made of (run, action), the same on every try. A run records
each action done (runs.py), so a retry resumes after them and does not send a mail twice
because a later action met an outage.

Outcomes: a string saying what was done; `Refused` (the run fails with its reason); `Retry`
(not now: an outage, a mail server deferring); a service's 4xx propagates as a refusal, its 5xx
as an outage (runs.py)."""
import json
from datetime import timedelta

from services.chassis import mail
from services.chassis.auth import Principal
from services.chassis.errors import CrmError
from services.chassis.idempotency import Idempotency, fingerprint
from services.marketing.automation import actions
from services.marketing.consent import addresses, rules as consent_rules
from services.marketing.consent.handlers import set_consent
from services.marketing.consent.models import Consent
from services.marketing.segments.handlers import members
from services.marketing.templates import rendering
from services.marketing.templates.models import EmailTemplate
from services.marketing.tracking import links


class Refused(CrmError):
    """An action that cannot be done for this event (the run fails with this reason)."""
    http_status = 422
    code = "automation_action_refused"


class Retry(Exception):
    """Not now: schedule the run again (the message says why)."""


class Context:
    """What the actions of one run know: the run, its rule, the event's fields, the customer's
    profile (None if the trigger names none) and the principal they act as (causation.py)."""

    def __init__(self, run, rule, trigger, event_fields, contact, actor):
        self.run_id, self.run_created_at = run.id, run.created_at
        self.rule_id, self.delay_seconds = rule.id, rule.delay_seconds
        self.trigger, self.event_fields, self.contact = trigger, event_fields, contact
        self.actor = actor
        self.principal = Principal(user_id=actor, role="system")

    @property
    def customer_id(self):
        return self.contact["customer_id"]

    def key(self, index):
        return f"automation-run/{self.run_id}/{index}"


def act(db, remote, context, index, action):
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
    if kind == actions.SEND_EMAIL:
        return _send_email(db, context, index, action)
    if kind == actions.NOTIFY_USER:
        return _notify(db, remote, context, index, action)
    raise Refused(f"The action {kind} is not available.")


def _task(remote, context, index, action):
    owner = context.contact.get("owner_id")
    if not owner:
        raise Refused("The customer has no owner to give the task to.")
    # Stable across retries (the Idempotency-Key's fingerprint must not change).
    due = context.run_created_at + timedelta(seconds=context.delay_seconds,
                                             days=action.get("due_in_days", 1))
    data = {"title": action["title"], "kind": action.get("kind", "follow_up"),
            "customer_id": context.customer_id, "assignee_id": owner, "due_at": due.isoformat()}
    key = context.key(index)
    task = remote.call(context.principal, "sales", "create_task", data, idempotency=Idempotency(
        key, fingerprint(key, json.dumps(data, sort_keys=True))))
    return f"{actions.CREATE_TASK} {task.get('id')} for {owner}"


# --- email -------------------------------------------------------------------------------------

def sendable(session, contact):
    """The rule every sender asks, for the contact's email: its own consent (consent/rules.py)
    and its address's — nobody holding the address unsubscribed or on do-not-contact
    (consent/addresses.py)."""
    row = session.get(Consent, (contact["id"], "email"))
    return consent_rules.sendable(contact, "email", row.status if row else None) \
        and not addresses.contact_refused(session, contact["id"])


def _rendered(db, template_id, profile, unsubscribe_url=rendering.PREVIEW_UNSUBSCRIBE_URL):
    with db.read_only() as session:
        template = session.get(EmailTemplate, template_id)
        if template is None:
            raise Refused(f"The email template {template_id} no longer exists.")
        try:
            return rendering.render(template, profile, unsubscribe_url)
        except rendering.RenderError as error:
            raise Refused(f"The email template cannot be rendered: {error.errors}")


def _send(context, index, to, rendered, headers=None):
    message = mail.build_message(
        to=to, subject=rendered["subject"], text=rendered["text"], html=rendered["html"],
        message_id=mail.message_id(context.key(index)),
        headers={"X-CRM-Automation-Rule": context.rule_id, **(headers or {})})
    try:
        mail.send(message)
    except mail.TransientMailError as error:
        raise Retry(f"The mail server did not take the mail: {error}")
    return message["Message-ID"]


def _send_email(db, context, index, action):
    contact = context.contact
    # the contact's own unsubscribe link (tracking/links.py; no campaign: a rule's mail)
    rendered = _rendered(db, action["template_id"], contact,
                         links.unsubscribe_url(None, contact["id"]))
    try:
        sent = _send(context, index, contact["email"], rendered,
                     links.unsubscribe_headers(None, contact["id"]))
    except mail.RecipientRefused as error:
        _bounced(db, context, str(error))
        raise Refused(f"The mail server refused the address for good (now do-not-contact): "
                      f"{error}")
    except mail.PermanentMailError as error:
        raise Refused(f"The mail server refused the mail: {error}")
    return f"{actions.SEND_EMAIL} {action['template_id']} to {contact['id']} ({sent})"


def _bounced(db, context, why):
    """An address the server refuses for good is not sent to again (issue 11 §6)."""
    with db.unit_of_work(actor=context.actor) as uow:
        set_consent(uow, context.principal, context.contact["id"], {
            "channel": "email", "status": "do_not_contact", "reason": "bounced",
            "source": f"automation rule {context.rule_id}"[:100]})


def owner(context):
    """Whose the event is: its owner_id, a rep's target's rep, else the customer's owner."""
    fields = context.event_fields
    if fields.get("owner_id"):
        return fields["owner_id"]
    if context.trigger.event_type == "target_at_risk":
        return fields.get("scope_value") if fields.get("scope") == "rep" else None
    return (context.contact or {}).get("owner_id")


def _notify(db, remote, context, index, action):
    user_id = owner(context)
    if not user_id:
        raise Refused("The event has no owner to notify.")
    user = remote.call(context.principal, "identity", "get_user", user_id)
    if action.get("to") == "owner_manager":
        if not user.get("manager_id"):
            raise Refused(f"The owner {user_id} has no manager.")
        user = remote.call(context.principal, "identity", "get_user", user["manager_id"])
    if not user.get("active", True) or not user.get("email"):
        raise Refused(f"The user {user['id']} is not active or has no email address.")
    rendered = _rendered(db, action["template_id"], context.contact)
    try:
        sent = _send(context, index, user["email"], rendered)
    except mail.PermanentMailError as error:
        raise Refused(f"The mail server refused the mail: {error}")
    return f"{actions.NOTIFY_USER} {action['template_id']} to user {user['id']} ({sent})"
