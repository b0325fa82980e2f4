"""The frequency cap when two campaigns send to one contact at once, on a migrated PostgreSQL
database (READ COMMITTED: a claim does not see another's uncommitted one) with a real SMTP
server: the contact may get one more campaign email (MARKETING_FREQUENCY_CAP=1) and two
workers, one per campaign, both want to send it one.

- Two concurrent senders: the first's mail is held at the SMTP server (in flight: claimed, not
  yet sent) while the second claims the same contact. The second counts the mail in flight and
  skips; counting only the mails already sent, it would send too (two mails: the cap broken).
- Two claims at the same moment: while the first claim's transaction is open (its claim not
  yet committed), the second waits on the contact's lock row, then counts the first's claim.
  Without the lock it would see nothing and pass."""
from datetime import timedelta

import eventlet
import pytest
from sqlalchemy import select, text

from services.chassis.auth import Principal
from services.chassis.db import make_engine
from services.chassis.models import utcnow
from services.marketing.campaigns.handlers import campaigns
from services.marketing.segments.handlers import definitions
from services.marketing.sending import batches, start
from services.marketing.sending.models import CampaignRecipient, CampaignSend
from services.marketing.templates import handlers as templates
from tests.helpers import wait_until
from tests.unit.marketing.support import Log, apply, customer, evaluate_segments, marketing_db

pytestmark = pytest.mark.postgres

MARKETER = Principal("u-mkt", "marketer")
CONTACT = "c-0"


@pytest.fixture
def db(migrated_database, monkeypatch, smtp_server):
    monkeypatch.setenv("MARKETING_FREQUENCY_CAP", "1")
    monkeypatch.setenv("MARKETING_SEND_RATE_PER_SECOND", "0")
    monkeypatch.setenv("SMTP_FROM", "News <news@crm.example>")
    engine = make_engine(migrated_database("marketing", "postgresql"))
    db = marketing_db(engine)
    log = Log("customers")
    apply(db, log.emit("customer_created", customer(
        id=CONTACT, kind="individual", name="Ada Smith", email="ada@example.com")))
    yield db
    engine.dispose()


def write(db, function, *args):
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        return function(uow, MARKETER, *args)


def two_sends(db):
    """Two running campaigns, each sending to the segment (the one contact): their ids."""
    segment = write(db, definitions.create_segment, {"name": "North", "kind": "dynamic", "rules": [
        [{"field": "region", "op": "eq", "value": "north"}]]})
    evaluate_segments(db)                                   # the backfill after the edit
    template = write(db, templates.create_template, {
        "name": "Hello", "subject": "Hi", "html": "<p>Hi</p>", "text": "Hi"})
    ids = []
    for name in ("First", "Second"):
        campaign = write(db, campaigns.create_campaign, {
            "name": name, "channel": "email", "currency": "EUR", "segment_ids": [segment["id"]],
            "starts_at": (utcnow() + timedelta(days=1)).isoformat()})
        for to in ("scheduled", "running"):
            write(db, campaigns.change_status, campaign["id"], {"to": to})
        write(db, start.start_send, campaign["id"], {"template_id": template["id"]})
        ids.append(campaign["id"])
    return ids


def states(db, ids):
    with db.read_only() as session:
        return {cid: (state, reason) for cid, state, reason in session.execute(
            select(CampaignRecipient.campaign_id, CampaignRecipient.state,
                   CampaignRecipient.reason).where(CampaignRecipient.campaign_id.in_(ids)))}


def test_two_campaigns_sending_at_once_send_the_capped_contact_one_mail(db, smtp_server):
    ids = two_sends(db)
    assert {state for state, _r in states(db, ids).values()} == {"pending"}
    smtp_server.hold()                      # the first mail to reach the server stays in flight
    senders = [eventlet.spawn(batches.send_batch, db, cid, 0) for cid in ids]
    wait_until(lambda: all(state != "pending" for state, _r in states(db, ids).values()),
               timeout=20, message="both workers past their claim of the contact")
    smtp_server.release()
    sent = sum(sender.wait() for sender in senders)
    assert sent == 1 and len(smtp_server.messages_to("ada@example.com")) == 1
    assert sorted(states(db, ids).values()) == [("sent", None), ("skipped", "frequency_cap")]


def _send(db, campaign_id):
    with db.read_only() as session:
        send = session.get(CampaignSend, campaign_id)
        session.expunge(send)
    return send


def _prepare(db, send):
    with db.unit_of_work() as uow:
        return batches._claim(uow, send, [CONTACT], utcnow())


def _waiting_on_a_lock(engine):
    with engine.connect() as connection:
        return connection.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"))


def test_a_second_claim_waits_for_the_first_to_commit_and_counts_it(db):
    first, second = (_send(db, cid) for cid in two_sends(db))
    with db.unit_of_work() as uow:                          # the first claim, not committed
        assert CONTACT in batches._claim(uow, first, [CONTACT], utcnow())
        other = eventlet.spawn(_prepare, db, second)
        wait_until(lambda: _waiting_on_a_lock(db.engine), timeout=10,
                   message="the second claim waiting on the contact's lock")
        assert not other.dead
    assert other.wait() == {}                               # skipped: the first's counted
    assert states(db, [first.campaign_id, second.campaign_id]) == {
        first.campaign_id: ("sending", None), second.campaign_id: ("skipped", "frequency_cap")}
