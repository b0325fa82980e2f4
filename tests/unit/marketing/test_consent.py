"""Consent per contact and channel: the sendable rule (no address or do-not-contact → never,
whatever else), setting it (one event and one history row per real change, nothing for a
repeat), and bad input refused precisely with nothing changed."""
import pytest
from sqlalchemy import create_engine, func, select

from services.chassis.auth import Principal
from services.chassis.errors import Invalid, NotFound
from services.chassis.models import OutboxEvent
from services.marketing.consent import addresses, handlers, rules
from services.marketing.consent.models import ConsentChange
from tests.unit.marketing.support import Log, apply, contact, customer, marketing_db

MARKETER = Principal("u-mkt", "marketer")
WITH_EMAIL, NO_EMAIL = {"email": "a@b.example"}, {"email": None}


@pytest.mark.parametrize("profile, channel, status, expected", [
    (WITH_EMAIL, "email", None, True),
    (WITH_EMAIL, "email", "subscribed", True),
    (WITH_EMAIL, "email", "unsubscribed", False),
    (WITH_EMAIL, "email", "do_not_contact", False),
    (NO_EMAIL, "email", "subscribed", False),
    ({"email": ""}, "email", None, False),
    (WITH_EMAIL, "phone", "subscribed", False),          # no phone number known to marketing
])
def test_sendable(profile, channel, status, expected):
    assert rules.sendable(profile, channel, status) is expected


def test_opt_in_required_sends_only_to_the_subscribed(monkeypatch):
    monkeypatch.setenv("MARKETING_EMAIL_OPT_IN_REQUIRED", "true")
    assert rules.sendable(WITH_EMAIL, "email", None) is False
    assert rules.sendable(WITH_EMAIL, "email", "subscribed") is True


@pytest.fixture
def db():
    db = marketing_db(create_engine("sqlite://"))
    customers = Log("customers")
    apply(db, customers.emit("customer_created", customer()),
          customers.emit("contact_added", contact()))
    db.customers_log = customers
    return db


def set_consent(db, contact_id, channel, data):
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        return handlers.set_consent(uow, MARKETER, contact_id, {"channel": channel, **data})


def email_state(answer):
    return next(c for c in answer["channels"] if c["channel"] == "email")


def counts(db):
    with db.read_only() as session:
        return (session.scalar(select(func.count()).select_from(ConsentChange)),
                session.scalar(select(func.count()).select_from(OutboxEvent)))


def test_consent_changes_are_recorded_published_and_decide_sending(db):
    with db.read_only() as session:
        fresh = handlers.get_consent(session, MARKETER, "c-1")
    assert email_state(fresh) == {"channel": "email", "status": None, "reason": None,
                                  "source": None, "changed_at": None, "changed_by": None,
                                  "sendable": True}
    answer = set_consent(db, "c-1", "email", {"status": "do_not_contact", "reason": "bounced",
                                              "source": "smtp 550"})
    assert (email_state(answer)["status"], email_state(answer)["sendable"]) == (
        "do_not_contact", False)
    set_consent(db, "c-1", "email", {"status": "do_not_contact", "reason": "bounced"})
    assert counts(db) == (1, 1)                         # a repeat changes nothing
    set_consent(db, "c-1", "email", {"status": "unsubscribed"})
    with db.read_only() as session:
        history = handlers.consent_history(session, MARKETER, "c-1", {"limit": 1})
        event = session.execute(select(OutboxEvent.event_type, OutboxEvent.payload)
                                .order_by(OutboxEvent.sequence.desc())).first()
        older = handlers.consent_history(session, MARKETER, "c-1",
                                         {"cursor": history["next_cursor"]})
    assert [(h["previous_status"], h["status"], h["reason"]) for h in history["items"]] == [
        ("do_not_contact", "unsubscribed", "unsubscribed")]
    assert [h["status"] for h in older["items"]] == ["do_not_contact"]
    assert event.event_type == "consent_changed" and '"customer_id": "c-1"' in event.payload
    # a contact person has no email here: never sendable by email, even subscribed
    person = set_consent(db, "ct-1", "email", {"status": "subscribed"})
    assert email_state(person)["sendable"] is False


@pytest.mark.parametrize("contact_id, channel, body, field", [
    ("c-1", "email", {"status": "do_not_contact"}, "reason"),
    ("c-1", "email", {"status": "subscribed", "reason": "manual"}, "reason"),
    ("c-1", "email", {"status": "maybe"}, "status"),
    ("c-1", "email", {"status": "unsubscribed", "colour": "red"}, "colour"),
    ("c-1", "pigeon", {"status": "subscribed"}, "channel"),
])
def test_bad_input_is_a_precise_422_that_changes_nothing(db, contact_id, channel, body, field):
    with pytest.raises(Invalid) as error:
        set_consent(db, contact_id, channel, body)
    assert field in error.value.details
    assert counts(db) == (0, 0)


def test_an_unknown_contact_is_not_found(db):
    with pytest.raises(NotFound):
        set_consent(db, "nobody", "email", {"status": "subscribed"})
    assert counts(db) == (0, 0)


# --- the address's consent (consent/addresses.py) -----------------------------------------------

def refused(db, contact_id):
    with db.read_only() as session:
        return addresses.contact_refused(session, contact_id)


@pytest.mark.parametrize("status, reason", [("unsubscribed", None), ("do_not_contact", "bounced")])
def test_an_address_anyone_holding_it_refused_is_refused_for_every_holder(db, status, reason):
    customers = db.customers_log
    apply(db, customers.emit("contact_added", contact(id="ct-2", name="Reception",
                                                      email=" INFO@Acme.example ")),
          customers.emit("customer_created", customer(id="c-2", email="b@beta.example")))
    assert [refused(db, c) for c in ("c-1", "ct-2", "c-2", "ct-1")] == [False] * 4
    set_consent(db, "ct-2", "email", {"status": status, "reason": reason})
    # c-1 holds the same address (case and spaces aside): refused too; its own consent is
    # untouched, and other addresses and a contact without one are not affected
    assert [refused(db, c) for c in ("c-1", "ct-2", "c-2", "ct-1")] == [True, True, False, False]
    with db.read_only() as session:
        assert email_state(handlers.get_consent(session, MARKETER, "c-1"))["status"] is None


def test_another_channel_or_a_resubscribe_does_not_refuse_the_address(db):
    apply(db, db.customers_log.emit("contact_added", contact(id="ct-2",
                                                             email="info@acme.example")))
    set_consent(db, "ct-2", "phone", {"status": "do_not_contact", "reason": "manual"})
    assert refused(db, "c-1") is False
    set_consent(db, "ct-2", "email", {"status": "unsubscribed"})
    assert refused(db, "c-1") is True
    set_consent(db, "ct-2", "email", {"status": "subscribed"})
    assert refused(db, "c-1") is False and refused(db, "no-such-contact") is False
