"""Recording engagement: opens and clicks from the signed links in sent mail, unsubscribes from
the contact's own link (one click, RFC 8058), bounces and complaints from the inbound webhook
(shared secret). A token that does not verify is a 404 and records nothing; every record is an
event. An unsubscribe or a report also changes consent (consent/handlers.py: its history and
consent_changed) — a contact on do-not-contact stays there."""
import hmac
import uuid

from sqlalchemy import select

from services.chassis.auth import Principal
from services.chassis.db import insert_ignoring_conflicts
from services.chassis.errors import NotFound, Unauthorized
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.marketing import settings
from services.marketing.audience.models import AudienceContact
from services.marketing.consent import handlers as consent
from services.marketing.consent.models import DO_NOT_CONTACT, UNSUBSCRIBED, Consent
from services.marketing.tracking import schemas, tokens
from services.marketing.tracking.models import (BOUNCED, CLICKED, COMPLAINED, OPENED,
                                                UNSUBSCRIBED as UNSUBSCRIBED_KIND,
                                                EmailEngagement, EmailEngagementFirst)

# who changed consent, in its history: the contact through their link, or the provider's report
BY_LINK = Principal("unsubscribe_link", "system")
BY_REPORT = Principal("inbound_report", "system")
EVENT_OF = {OPENED: "email_opened", CLICKED: "email_clicked",
            UNSUBSCRIBED_KIND: "email_unsubscribed", BOUNCED: "email_bounced",
            COMPLAINED: "email_complained"}


def _verified(purpose, token):
    data = tokens.read(purpose, token)
    if data is None:
        raise NotFound("No such link.", {})
    return data


def record(uow, kind, campaign_id, contact_id, url=None, detail=None):
    session, now = uow.session, utcnow()
    session.add(EmailEngagement(id=str(uuid.uuid4()), campaign_id=campaign_id,
                                contact_id=contact_id, kind=kind, url=url, detail=detail, at=now))
    first = False
    if campaign_id is not None:
        first = insert_ignoring_conflicts(session, EmailEngagementFirst, {
            "campaign_id": campaign_id, "contact_id": contact_id, "kind": kind, "at": now},
            ["campaign_id", "contact_id", "kind"]).rowcount == 1
    customer_id = session.scalar(select(AudienceContact.customer_id).where(
        AudienceContact.id == contact_id))
    uow.emit(EVENT_OF[kind], {"campaign_id": campaign_id, "contact_id": contact_id,
                              "customer_id": customer_id, "url": url, "detail": detail,
                              "first": first, "at": now})


def opened(uow, token):
    data = _verified(tokens.OPEN, token)
    record(uow, OPENED, data["campaign_id"], data["contact_id"])


def clicked(uow, token):
    """The link's target (the gateway redirects there)."""
    data = _verified(tokens.CLICK, token)
    record(uow, CLICKED, data["campaign_id"], data["contact_id"], url=data["url"])
    return data["url"]


def _consent_status(session, contact_id):
    return session.scalar(select(Consent.status).where(Consent.contact_id == contact_id,
                                                       Consent.channel == "email"))


def unsubscribe(uow, token):
    """Unsubscribed from email (a contact on do-not-contact stays there); the same link again
    changes nothing more. {"email": the address, masked}."""
    data = _verified(tokens.UNSUBSCRIBE, token)
    session, contact_id = uow.session, data["contact_id"]
    status = _consent_status(session, contact_id)
    if status not in (UNSUBSCRIBED, DO_NOT_CONTACT) and session.get(AudienceContact, contact_id):
        consent.set_consent(uow, BY_LINK, contact_id, {
            "channel": "email", "status": UNSUBSCRIBED, "source": "unsubscribe link"})
    if status != UNSUBSCRIBED:
        record(uow, UNSUBSCRIBED_KIND, data["campaign_id"], contact_id)
    return {"unsubscribed": True}


def inbound_report(uow, data, secret):
    """A bounce or complaint for an address: every audience contact with it goes on
    do-not-contact (reason bounced / complained). {"matched": how many contacts}."""
    expected = settings.inbound_webhook_secret()
    if not expected or not isinstance(secret, str) \
            or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise Unauthorized("The webhook secret is missing or wrong.")
    data = load(schemas.InboundReport, data)
    kind = BOUNCED if data["kind"] == "bounce" else COMPLAINED
    session = uow.session
    contacts = list(session.scalars(select(AudienceContact.id).where(
        AudienceContact.email_norm == data["email"].strip().lower())))
    for contact_id in contacts:
        consent.set_consent(uow, BY_REPORT, contact_id, {
            "channel": "email", "status": DO_NOT_CONTACT, "reason": kind,
            "source": f"inbound {data['kind']} report"})
        record(uow, kind, data.get("campaign_id"), contact_id, detail=data.get("detail"))
    return {"matched": len(contacts)}


def permanent_failure(uow, campaign_id, contact_id, detail):
    """An SMTP permanent failure while sending (5xx for the recipient): do-not-contact, bounced
    — for the sender to call in its own transaction."""
    if _consent_status(uow.session, contact_id) != DO_NOT_CONTACT:
        consent.set_consent(uow, BY_REPORT, contact_id, {
            "channel": "email", "status": DO_NOT_CONTACT, "reason": BOUNCED,
            "source": "smtp permanent failure"})
    record(uow, BOUNCED, campaign_id, contact_id, detail=(detail or "")[:500] or None)
