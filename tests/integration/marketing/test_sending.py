"""A campaign's broadcast over a real marketing database and a real SMTP server (the batches
driven by hand here; tests/integration/marketing/test_sending_service.py runs them over
RabbitMQ): once per contact whatever is redelivered or crashes, bounces to do-not-contact,
an outage waits and resumes, the frequency cap, consent (the contact's or its address's)
changed since the snapshot, the rate, 0 recipients."""
import json
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select, update

from services.chassis.auth import Principal
from services.chassis.db import make_engine
from services.chassis.errors import Conflict, NotFound
from services.chassis.models import OutboxEvent, utcnow
from services.marketing.campaigns.handlers import campaigns
from services.marketing.consent import handlers as consent
from services.marketing.segments.handlers import definitions
from services.marketing.sending import batches, dispatch, recipients, start
from services.marketing.sending.models import CampaignRecipient, CampaignSend
from services.marketing.templates import handlers as templates
from services.marketing.tracking import tokens
from tests.unit.marketing.support import (Log, apply, contact, customer, evaluate_segments,
                                          marketing_db)

MARKETER = Principal("u-mkt", "marketer")
NORTH = [[{"field": "region", "op": "eq", "value": "north"}]]
PEOPLE = 7


@pytest.fixture
def db(dialect, migrated_database, monkeypatch, smtp_server):
    """marketing's migrated database on the test's dialect: the ones marked dialect_sensitive
    (claims, leases, once-only sends, the cap's and consent's checks under the claim) run on
    PostgreSQL too (tests/conftest.py)."""
    monkeypatch.setenv("MARKETING_SEND_BATCH_SIZE", "3")
    monkeypatch.setenv("MARKETING_SEND_RATE_PER_SECOND", "0")        # no limit unless a test says
    monkeypatch.setenv("SMTP_FROM", "News <news@crm.example>")
    engine = make_engine(migrated_database("marketing", dialect))
    db = marketing_db(engine)
    log = Log("customers")
    apply(db, *[log.emit("customer_created", customer(
        id=f"c-{n}", kind="individual", name=f"Person{n} Smith", email=f"p{n}@example.com"))
        for n in range(PEOPLE)])
    apply(db, log.emit("customer_created", customer(id="c-south", region="south",
                                                    email="south@example.com")))
    db.customers_log = log
    yield db
    engine.dispose()


def write(db, function, *args):
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        return function(uow, MARKETER, *args)


def read(db, function, *args):
    with db.read_only() as session:
        return function(session, MARKETER, *args)


def running_campaign(db, name="Spring"):
    segment_id = read(db, definitions.list_segments)["items"]
    if not segment_id:
        segment_id = [write(db, definitions.create_segment,
                            {"name": "North", "kind": "dynamic", "rules": NORTH})]
        evaluate_segments(db)
    campaign = write(db, campaigns.create_campaign, {
        "name": name, "channel": "email", "currency": "EUR",
        "segment_ids": [segment_id[0]["id"]], "starts_at": (utcnow() + timedelta(days=1)).isoformat()})
    for to in ("scheduled", "running"):
        write(db, campaigns.change_status, campaign["id"], {"to": to})
    return campaign["id"]


def template(db, name="Hello"):
    return write(db, templates.create_template, {
        "name": name, "subject": "Hi {{ contact.first_name | default('there') }}",
        "html": "<p>Hi {{ contact.first_name }}</p><a href=\"{{ unsubscribe_url }}\">stop</a>",
        "text": "Hi {{ contact.first_name }}\n{{ unsubscribe_url }}"})["id"]


def released(db, campaign_id):
    """The batch numbers released so far (the fan-out messages in the outbox), in order."""
    with db.read_only() as session:
        payloads = [json.loads(row.payload) for row in session.scalars(
            select(OutboxEvent).where(OutboxEvent.event_type == "campaign_send_batch_released")
            .order_by(OutboxEvent.sequence))]
    return [p["batch"] for p in payloads if p["campaign_id"] == campaign_id]


def drain(db, campaign_id):
    """Every released batch sent once (as the workers would), then a tick."""
    for number in sorted(set(released(db, campaign_id))):
        batches.send_batch(db, campaign_id, number)
    with db.unit_of_work() as uow:
        dispatch.advance(uow, campaign_id, utcnow())


def state(db, campaign_id):
    return read(db, recipients.get_send, campaign_id)


def event_types(db, prefix):
    with db.read_only() as session:
        return [row.event_type for row in session.scalars(select(OutboxEvent)
                .where(OutboxEvent.event_type.startswith(prefix)).order_by(OutboxEvent.sequence))]


@pytest.mark.dialect_sensitive("once per contact whatever is redelivered: the claims")
def test_each_contact_gets_the_mail_once_with_its_own_unsubscribe_link(db, smtp_server):
    campaign_id, template_id = running_campaign(db), template(db)
    answer = write(db, start.start_send, campaign_id, {"template_id": template_id})
    assert (answer["recipients"], answer["batches"], answer["status"]) == (PEOPLE, 3, "sending")
    with pytest.raises(Conflict):
        write(db, start.start_send, campaign_id, {"template_id": template_id})
    drain(db, campaign_id)
    for number in range(3):                     # every batch delivered again: nothing more
        batches.send_batch(db, campaign_id, number)
    received = smtp_server.wait_for(PEOPLE)
    assert sorted(r["rcpt_tos"][0] for r, _m in received) == sorted(
        f"p{n}@example.com" for n in range(PEOPLE))          # the south customer is not targeted
    envelope, message = next((r, m) for r, m in received if r["rcpt_tos"] == ["p3@example.com"])
    assert str(message["Subject"]) == "Hi Person3"
    url = message["List-Unsubscribe"].strip("<>")
    assert tokens.read(tokens.UNSUBSCRIBE, url.rsplit("/", 1)[1])["contact_id"] == "c-3"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.get_body(("plain",)).get_content()
    assert message["Message-ID"] == batches.mail.message_id(
        batches.message_key(campaign_id, "c-3"), "news@crm.example")
    final = state(db, campaign_id)
    assert final["status"] == "done" and final["counts"]["sent"] == PEOPLE
    assert event_types(db, "campaign_email") == ["campaign_email_sent"] * PEOPLE
    assert event_types(db, "campaign_send_completed") == ["campaign_send_completed"]
    with db.read_only() as session:             # whose customer each went to (its timeline)
        sent = [json.loads(row.payload) for row in session.scalars(select(OutboxEvent).where(
            OutboxEvent.event_type == "campaign_email_sent"))]
    assert sorted((p["contact_id"], p["customer_id"]) for p in sent) == [
        (f"c-{n}", f"c-{n}") for n in range(PEOPLE)]


def test_a_refused_address_bounces_to_do_not_contact_and_the_rest_go(db, smtp_server):
    smtp_server.refuse("p1@example.com", "550 5.1.1 User unknown")
    campaign_id = running_campaign(db)
    write(db, start.start_send, campaign_id, {"template_id": template(db)})
    drain(db, campaign_id)
    assert len(smtp_server.wait_for(PEOPLE - 1)) == PEOPLE - 1
    [bounced] = read(db, recipients.list_recipients, campaign_id, {"state": "bounced"})["items"]
    assert bounced["contact_id"] == "c-1" and bounced["reason"].startswith("550")
    email = next(c for c in read(db, consent.get_consent, "c-1")["channels"]
                 if c["channel"] == "email")
    assert (email["status"], email["reason"], email["sendable"]) == (
        "do_not_contact", "bounced", False)
    assert state(db, campaign_id)["counts"] | {} == {
        "pending": 0, "sending": 0, "sent": PEOPLE - 1, "bounced": 1, "failed": 0, "skipped": 0}


@pytest.mark.dialect_sensitive("the wait and the re-release under the send's row lock")
def test_an_smtp_outage_waits_and_resumes_with_nobody_lost_or_doubled(db, smtp_server,
                                                                       monkeypatch):
    monkeypatch.setenv("MARKETING_SEND_RETRY_SECONDS", "0.01")
    campaign_id = running_campaign(db)
    write(db, start.start_send, campaign_id, {"template_id": template(db)})
    batches.send_batch(db, campaign_id, 0)                        # 3 sent
    smtp_server.stop()
    assert batches.send_batch(db, campaign_id, 1) == 0
    waiting = state(db, campaign_id)
    assert waiting["status"] == "waiting" and waiting["last_error"]
    assert waiting["counts"]["pending"] == PEOPLE - 3 and waiting["counts"]["sending"] == 0
    assert batches.send_batch(db, campaign_id, 2) == 0            # waiting: sends nothing
    smtp_server.start()
    wait_over = utcnow() + timedelta(seconds=1)
    with db.unit_of_work() as uow:
        dispatch.advance(uow, campaign_id, wait_over)             # resumes: batches released again
    assert state(db, campaign_id)["status"] == "sending"
    drain(db, campaign_id)
    received = smtp_server.wait_for(PEOPLE)
    assert len({r["rcpt_tos"][0] for r, _m in received}) == len(received) == PEOPLE
    assert state(db, campaign_id)["status"] == "done"


@pytest.mark.dialect_sensitive("the lease's reclaim")
def test_a_worker_that_died_after_claiming_leaves_its_recipient_to_be_sent_again(db, smtp_server,
                                                                                 monkeypatch):
    monkeypatch.setenv("MARKETING_SEND_LEASE_SECONDS", "60")
    campaign_id = running_campaign(db)
    write(db, start.start_send, campaign_id, {"template_id": template(db)})
    with db.unit_of_work() as uow:                                 # claimed, then the crash
        uow.session.execute(update(CampaignRecipient).where(
            CampaignRecipient.contact_id == "c-0").values(
            state="sending", claimed_at=utcnow() - timedelta(seconds=30)))
    drain(db, campaign_id)                     # the others; c-0 still claimed by the dead worker
    assert state(db, campaign_id)["counts"]["sending"] == 1
    later = utcnow() + timedelta(seconds=31)
    before = REGISTRY.get_sample_value("crm_campaign_emails_reclaimed_total") or 0
    with db.unit_of_work() as uow:
        dispatch.advance(uow, campaign_id, later)                  # lease over: back to pending
    assert REGISTRY.get_sample_value("crm_campaign_emails_reclaimed_total") == before + 1
    drain(db, campaign_id)
    received = smtp_server.wait_for(PEOPLE)
    assert sorted(r["rcpt_tos"][0] for r, _m in received).count("p0@example.com") == 1
    assert state(db, campaign_id)["status"] == "done"


@pytest.mark.dialect_sensitive("the cap and consent checked under the claim")
def test_the_frequency_cap_and_consent_changed_since_the_snapshot_skip(db, smtp_server,
                                                                       monkeypatch):
    monkeypatch.setenv("MARKETING_FREQUENCY_CAP", "1")
    first = running_campaign(db, "First")
    write(db, start.start_send, first, {"template_id": template(db)})
    drain(db, first)
    second = running_campaign(db, "Second")
    write(db, start.start_send, second, {"template_id": template(db, "Again")})
    write(db, consent.set_consent, "c-2", {"channel": "email", "status": "unsubscribed"})
    drain(db, second)
    assert len(smtp_server.wait_for(PEOPLE)) == PEOPLE               # the first campaign's only
    skipped = read(db, recipients.list_recipients, second, {"state": "skipped", "limit": 100})
    reasons = {r["contact_id"]: r["reason"] for r in skipped["items"]}
    assert reasons["c-2"] == "not_sendable" and reasons["c-0"] == "frequency_cap"
    assert len(reasons) == PEOPLE and state(db, second)["status"] == "done"


@pytest.mark.dialect_sensitive("the address's consent checked under the claim")
@pytest.mark.parametrize("status, reason", [("unsubscribed", None), ("do_not_contact", "complained")])
def test_an_address_another_holder_refused_since_the_snapshot_is_skipped(db, smtp_server, status,
                                                                         reason):
    """p3@example.com is also the south customer's reception's (not targeted, so not in the
    snapshot); the reception unsubscribes after the send started: c-3 is not mailed."""
    apply(db, db.customers_log.emit("contact_added", contact(
        id="ct-reception", customer_id="c-south", name="Reception", email="P3@Example.com")))
    campaign_id = running_campaign(db)
    answer = write(db, start.start_send, campaign_id, {"template_id": template(db)})
    assert answer["recipients"] == PEOPLE                  # c-3 reachable when the send started
    write(db, consent.set_consent, "ct-reception", {"channel": "email", "status": status,
                                                    "reason": reason})
    drain(db, campaign_id)
    final = state(db, campaign_id)
    assert (final["status"], final["counts"]["sent"], final["counts"]["skipped"]) == (
        "done", PEOPLE - 1, 1)
    [skipped] = read(db, recipients.list_recipients, campaign_id, {"state": "skipped"})["items"]
    assert (skipped["contact_id"], skipped["reason"]) == ("c-3", "address_unsubscribed")
    received = smtp_server.wait_for(PEOPLE - 1)
    assert sorted(r["rcpt_tos"][0] for r, _m in received) == sorted(
        f"p{n}@example.com" for n in range(PEOPLE) if n != 3)
    with db.read_only() as session:                # c-3's own consent is untouched
        failed = [json.loads(row.payload) for row in session.scalars(select(OutboxEvent).where(
            OutboxEvent.event_type == "campaign_email_failed"))]
    assert [(p["contact_id"], p["outcome"], p["reason"]) for p in failed] == [
        ("c-3", "skipped", "address_unsubscribed")]
    assert next(c for c in read(db, consent.get_consent, "c-3")["channels"]
                if c["channel"] == "email")["status"] is None


def test_the_rate_releases_batches_over_time(db, monkeypatch):
    campaign_id = running_campaign(db)
    monkeypatch.setenv("MARKETING_SEND_RATE_PER_SECOND", "3")       # one batch of 3 a second
    write(db, start.start_send, campaign_id, {"template_id": template(db)})
    assert released(db, campaign_id) == [0]
    with db.read_only() as session:
        started = session.get(CampaignSend, campaign_id).started_at
    with db.unit_of_work() as uow:
        dispatch.advance(uow, campaign_id, started + timedelta(seconds=0.5))
    assert released(db, campaign_id) == [0]
    with db.unit_of_work() as uow:
        dispatch.advance(uow, campaign_id, started + timedelta(seconds=2))
    assert released(db, campaign_id) == [0, 1, 2]


def test_nobody_to_reach_is_allowed_and_done_at_once(db):
    campaign_id = running_campaign(db)
    for n in range(PEOPLE):
        write(db, consent.set_consent, f"c-{n}", {"channel": "email", "status": "unsubscribed"})
    answer = write(db, start.start_send, campaign_id, {"template_id": template(db)})
    assert (answer["recipients"], answer["status"]) == (0, "done")
    with pytest.raises(NotFound):
        read(db, recipients.get_send, "no-such-campaign")


def test_a_segment_still_being_evaluated_is_not_sent_to_yet(db):
    campaign_id = running_campaign(db)
    segment_id = read(db, definitions.list_segments)["items"][0]["id"]
    write(db, definitions.update_segment, segment_id, {"rules": [
        [{"field": "region", "op": "eq", "value": "south"}]]})
    template_id = template(db)
    with pytest.raises(Conflict) as refused:
        write(db, start.start_send, campaign_id, {"template_id": template_id})
    assert refused.value.details == {"id": segment_id, "field": "segment_ids"}
    with db.read_only() as session:
        assert session.get(CampaignSend, campaign_id) is None
    evaluate_segments(db)
    answer = write(db, start.start_send, campaign_id, {"template_id": template_id})
    assert answer["recipients"] == 1                       # c-south only


def recipient_rows(db, campaign_id):
    with db.read_only() as session:
        return {row.contact_id: (row.state, row.attempts) for row in session.scalars(
            select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id))}


@pytest.mark.dialect_sensitive("the batch's claim in one transaction")
def test_a_batch_is_claimed_at_once_and_sent_over_one_smtp_session(db, smtp_server, monkeypatch):
    """The batch's recipients claimed and checked in one transaction, its mails over one SMTP
    connection (the real server), each outcome recorded with its event."""
    campaign_id = running_campaign(db)
    write(db, start.start_send, campaign_id, {"template_id": template(db)})
    sessions, claims = [], []
    connect, claim = batches.mail.connect, batches._claim
    monkeypatch.setattr(batches.mail, "connect", lambda *a: sessions.append(1) or connect(*a))
    monkeypatch.setattr(batches, "_claim", lambda uow, send, ids, now: claims.append(list(ids))
                        or claim(uow, send, ids, now))
    assert batches.send_batch(db, campaign_id, 0) == 3
    assert (len(sessions), claims) == (1, [["c-0", "c-1", "c-2"]])
    assert sorted(r["rcpt_tos"][0] for r, _m in smtp_server.wait_for(3)) == [
        "p0@example.com", "p1@example.com", "p2@example.com"]
    assert event_types(db, "campaign_email") == ["campaign_email_sent"] * 3


@pytest.mark.dialect_sensitive("once-only: each outcome's commit")
def test_a_crash_after_a_handoff_mid_batch_sends_no_recorded_mail_again(db, smtp_server,
                                                                          monkeypatch):
    """The outcome of each mail commits right after its SMTP transaction, so a worker lost
    mid-batch leaves at most the one mail in flight (the documented window, same Message-ID)
    to go again; the recorded ones never do, the claimed but unsent are pending at once."""
    monkeypatch.setenv("MARKETING_SEND_LEASE_SECONDS", "60")
    campaign_id = running_campaign(db)
    write(db, start.start_send, campaign_id, {"template_id": template(db)})
    record, calls = batches._record_sent, []

    def lost_on_the_second(*args):
        calls.append(args[2])
        if len(calls) == 2:
            raise ConnectionError("database unreachable")     # the 250 was read, not recorded
        return record(*args)
    monkeypatch.setattr(batches, "_record_sent", lost_on_the_second)
    with pytest.raises(ConnectionError):
        batches.send_batch(db, campaign_id, 0)
    monkeypatch.setattr(batches, "_record_sent", record)
    rows = recipient_rows(db, campaign_id)
    assert [rows[c][0] for c in ("c-0", "c-1", "c-2")] == ["sent", "sending", "pending"]
    smtp_server.wait_for(2)
    with db.unit_of_work() as uow:                          # after the lease: c-1 handed out again
        dispatch.advance(uow, campaign_id, utcnow() + timedelta(seconds=61))
    drain(db, campaign_id)
    received = sorted(r["rcpt_tos"][0] for r, _m in smtp_server.wait_for(PEOPLE + 1))
    assert received.count("p0@example.com") == 1 and received.count("p2@example.com") == 1
    assert received.count("p1@example.com") == 2            # in flight at the crash
    assert state(db, campaign_id)["counts"]["sent"] == PEOPLE


@pytest.mark.dialect_sensitive("the lease's half-time re-claim")
def test_claims_older_than_half_the_lease_are_claimed_and_checked_again(db, smtp_server,
                                                                         monkeypatch):
    """A slow batch never sends on a claim that may have run out (and been handed to another
    worker): past half the lease, what it has not sent goes back to pending and is claimed
    again — with its checks (consent changed meanwhile counts)."""
    monkeypatch.setenv("MARKETING_SEND_LEASE_SECONDS", "60")
    campaign_id = running_campaign(db)
    write(db, start.start_send, campaign_id, {"template_id": template(db)})
    start_at, sends = utcnow(), []
    monkeypatch.setattr(batches, "utcnow",
                        lambda: start_at + timedelta(seconds=40 if sends else 0))
    send = batches._Session.send

    def slow(self, message):
        sends.append(message["To"])
        if len(sends) == 1:                  # the first mail takes 40 s; c-2 unsubscribes
            write(db, consent.set_consent, "c-2", {"channel": "email", "status": "unsubscribed"})
        return send(self, message)
    monkeypatch.setattr(batches._Session, "send", slow)
    assert batches.send_batch(db, campaign_id, 0) == 2
    rows = recipient_rows(db, campaign_id)
    assert (rows["c-0"], rows["c-1"], rows["c-2"]) == (("sent", 1), ("sent", 2), ("skipped", 2))
    assert sorted(r["rcpt_tos"][0] for r, _m in smtp_server.wait_for(2)) == [
        "p0@example.com", "p1@example.com"]
