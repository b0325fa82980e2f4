"""Tracking over a real marketing database: signed links verify only as made (a forged,
altered, truncated or other-purpose token records nothing), links in the rendered HTML become
click URLs for their own targets only, opens and clicks are recorded with the first of each
marked, the contact's unsubscribe link unsubscribes once (do-not-contact stays), and the inbound
webhook needs its secret and puts the reported address on do-not-contact."""
import json
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, select

from services.chassis.errors import NotFound, Unauthorized
from services.chassis.models import OutboxEvent
from services.marketing.consent.models import Consent
from services.marketing.tracking import handlers, links, tokens
from services.marketing.tracking.models import EmailEngagement
from tests.unit.marketing.support import Log, apply, customer, marketing_db

HTML = ('<p>Hi</p><a href="https://example.com/guide?a=1&amp;b=2">Guide</a> '
        '<a href="mailto:sales@example.com">Mail us</a> <a href="{unsubscribe}">Unsubscribe</a>'
        '</body>')


@pytest.fixture
def db():
    db = marketing_db(create_engine("sqlite://"))
    apply(db, Log("customers").emit("customer_created", customer()))    # contact c-1
    return db


def token_of(url):
    return urlsplit(url).path.rsplit("/", 1)[1]


def engagements(db):
    with db.read_only() as session:
        rows = session.scalars(select(EmailEngagement).order_by(EmailEngagement.at)).all()
        events = [(e.event_type, json.loads(e.payload)) for e in session.scalars(
            select(OutboxEvent).where(OutboxEvent.event_type.like("email_%")))]
        return [(r.kind, r.url) for r in rows], events


def run(db, function, *args):
    with db.unit_of_work(actor="public") as uow:
        return function(uow, *args)


def test_a_token_verifies_only_as_made_and_for_its_purpose():
    token = tokens.sign(tokens.CLICK, "cmp-1", "c-1", "https://example.com/")
    assert tokens.read(tokens.CLICK, token) == {"campaign_id": "cmp-1", "contact_id": "c-1",
                                               "url": "https://example.com/"}
    assert tokens.read(tokens.OPEN, token) is None                    # another purpose
    altered = token.replace(token[5], "A" if token[5] != "A" else "B", 1)
    for bad in (altered, token[:-2], "", "x" * 5000, None, 42, "a.b"):
        assert tokens.read(tokens.CLICK, bad) is None
    assert tokens.read(tokens.CLICK, tokens.sign(tokens.CLICK, "cmp-1", "c-1",
                                                 "javascript:alert(1)")) is None


def test_links_become_click_urls_for_their_own_targets_and_the_pixel_is_added():
    unsubscribe = links.unsubscribe_url("cmp-1", "c-1")
    tracked = links.tracked_html(HTML.format(unsubscribe=unsubscribe), "cmp-1", "c-1")
    assert "https://example.com/guide" not in tracked and "mailto:sales@example.com" in tracked
    assert unsubscribe in tracked and tracked.endswith("</body>")
    click = next(part.split('"')[0] for part in tracked.split('href="')[1:]
                 if "/t/click/" in part)
    assert tokens.read(tokens.CLICK, token_of(click.replace("&amp;", "&")))["url"] == \
        "https://example.com/guide?a=1&b=2"
    assert '/t/open/' in tracked and 'width="1"' in tracked
    headers = links.unsubscribe_headers("cmp-1", "c-1")
    assert headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_opens_and_clicks_are_recorded_with_the_first_marked(db):
    open_token = token_of(links.open_url("cmp-1", "c-1"))
    click_token = token_of(links.click_url("cmp-1", "c-1", "https://example.com/a"))
    run(db, handlers.opened, open_token)
    run(db, handlers.opened, open_token)
    assert run(db, handlers.clicked, click_token) == "https://example.com/a"
    rows, events = engagements(db)
    assert rows == [("opened", None), ("opened", None), ("clicked", "https://example.com/a")]
    assert [(name, e["first"], e["customer_id"]) for name, e in events] == [
        ("email_opened", True, "c-1"), ("email_opened", False, "c-1"),
        ("email_clicked", True, "c-1")]


def test_a_forged_token_is_not_found_and_records_nothing(db):
    forged = tokens.sign(tokens.OPEN, "cmp-1", "c-1")[:-3] + "abc"
    for function in (handlers.opened, handlers.clicked, handlers.unsubscribe):
        with pytest.raises(NotFound):
            run(db, function, forged)
    assert engagements(db) == ([], [])


def consent_of(db, contact_id="c-1"):
    with db.read_only() as session:
        row = session.get(Consent, (contact_id, "email"))
        return (row.status, row.reason, row.source) if row else None


def test_the_unsubscribe_link_unsubscribes_once_and_do_not_contact_stays(db):
    token = token_of(links.unsubscribe_url("cmp-1", "c-1"))
    run(db, handlers.unsubscribe, token)
    run(db, handlers.unsubscribe, token)
    assert consent_of(db) == ("unsubscribed", "unsubscribed", "unsubscribe link")
    rows, _ = engagements(db)
    assert rows == [("unsubscribed", None)]


def test_the_inbound_webhook_needs_its_secret_and_puts_the_address_on_do_not_contact(
        db, monkeypatch):
    report = {"kind": "bounce", "email": "INFO@acme.example", "detail": "550 5.1.1 no such user"}
    with pytest.raises(Unauthorized):                    # no secret configured: refused
        run(db, handlers.inbound_report, report, "anything")
    monkeypatch.setenv("MARKETING_INBOUND_WEBHOOK_SECRET", "s3cret")
    with pytest.raises(Unauthorized):
        run(db, handlers.inbound_report, report, "wrong")
    assert run(db, handlers.inbound_report, report, "s3cret") == {"matched": 1}
    assert consent_of(db) == ("do_not_contact", "bounced", "inbound bounce report")
    token = token_of(links.unsubscribe_url("cmp-1", "c-1"))
    run(db, handlers.unsubscribe, token)                 # a click later: still do-not-contact
    assert consent_of(db)[0] == "do_not_contact"
    assert run(db, handlers.inbound_report, {**report, "email": "nobody@x.example"},
               "s3cret") == {"matched": 0}
    rows, _ = engagements(db)             # the bounce, and the click asking (consent unchanged)
    assert rows == [("bounced", None), ("unsubscribed", None)]


def test_the_serializers_kept_between_tokens_follow_a_changed_secret(monkeypatch):
    monkeypatch.setenv("MARKETING_TRACKING_SECRET", "first-secret")
    first = tokens.sign(tokens.OPEN, "cmp-1", "c-1")
    assert tokens.read(tokens.OPEN, first)["contact_id"] == "c-1"
    monkeypatch.setenv("MARKETING_TRACKING_SECRET", "second-secret")
    second = tokens.sign(tokens.OPEN, "cmp-1", "c-1")
    assert second != first and tokens.read(tokens.OPEN, first) is None
    assert tokens.read(tokens.OPEN, second)["contact_id"] == "c-1"
