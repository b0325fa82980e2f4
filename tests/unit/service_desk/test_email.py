"""Email in and out (issue 12 §3), on the real service desk database (SQLite): a mail → a new
email ticket for the customer with the sender's address; an answer threads onto its ticket by
In-Reply-To, by References, by the subject's ticket token (and reopens a resolved ticket); the
same Message-ID twice changes nothing; unknown senders; hostile mail (§9) refused with a 422
or kept as text; the secret. Outbound: an agent's reply queues one mail with the threading
headers; a transient failure retries later with the same Message-ID; a refusal fails it."""
import base64
from types import SimpleNamespace

import pytest

from services.chassis import mail
from services.chassis.errors import Invalid, Unauthorized
from services.service_desk.email_channel import inbound, outbound, parse
from services.service_desk.email_channel.models import TicketMail
from services.service_desk.tickets.models import Ticket, TicketEntry
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import (AGENT_A, SUPPORT_MANAGER, apply, contact, count,
                                             seeded_db)


@pytest.fixture
def db(monkeypatch):
    monkeypatch.setenv("SMTP_FROM", "Support <support@desk.example>")
    return seeded_db()


def raw(subject="Printer on fire", body="It smokes.", sender="Ada <INFO@acme.example>",
        message_id="<m1@acme.example>", extra="", content_type="text/plain; charset=utf-8"):
    lines = [f"From: {sender}" if sender else "", "To: support@desk.example",
             f"Subject: {subject}", f"Message-ID: {message_id}" if message_id else "", extra,
             f"Content-Type: {content_type}", "", body]
    return "\r\n".join(line for line in lines[:-2] if line) + "\r\n\r\n" + body


def receive(db, message):
    """`message`: text (sent as `raw`) or bytes (sent as `raw_base64`)."""
    data = {"raw_base64": base64.b64encode(message).decode()} if isinstance(message, bytes) \
        else {"raw": message}
    with db.unit_of_work(actor="inbound_email") as uow:
        return inbound.receive(uow, data)


def entries(db, ticket_id):
    return ops.entries(db, SUPPORT_MANAGER, ticket_id)["items"]


def mails(db, direction=None):
    with db.read_only() as session:
        rows = session.query(TicketMail).order_by(TicketMail.created_at, TicketMail.id).all()
        return [SimpleNamespace(**{c.key: getattr(row, c.key) for c in TicketMail.__table__.columns})
                for row in rows if direction in (None, row.direction)]


def test_a_mail_from_a_customers_address_is_a_new_email_ticket(db):
    result = receive(db, raw())
    assert result["outcome"] == "created" and result["message_id"] == "<m1@acme.example>"
    ticket = ops.get(db, SUPPORT_MANAGER, result["ticket_id"])
    assert (ticket["customer_id"], ticket["channel"], ticket["subject"], ticket["status"]) == (
        "c-1", "email", "Printer on fire", "new")
    assert ticket["description"] == "It smokes."


def test_the_same_message_id_again_changes_nothing(db):
    first = receive(db, raw())
    again = receive(db, raw(body="It smokes. (sent twice)"))
    assert again == {"outcome": "duplicate", "ticket_id": first["ticket_id"],
                     "message_id": "<m1@acme.example>"}
    assert count(db, Ticket) == 1 and count(db, TicketMail) == 1


def _agent_answer(db, ticket_id):
    ops.reply(db, SUPPORT_MANAGER, ticket_id, body="Unplug it.")
    return mails(db, "out")[-1]


def test_an_answer_threads_by_in_reply_to_and_reopens_a_resolved_ticket(db):
    ticket_id = receive(db, raw())["ticket_id"]
    sent = _agent_answer(db, ticket_id)
    assert (sent.address, sent.in_reply_to, sent.references) == (
        "info@acme.example", "<m1@acme.example>", "<m1@acme.example>")
    assert sent.subject == f"Re: Printer on fire [#T-{ticket_id}]"
    assert sent.message_id == mail.message_id(f"ticket-reply/{sent.entry_id}")
    ops.move(db, SUPPORT_MANAGER, ticket_id, "resolved")
    result = receive(db, raw(subject="Re: whatever", body="Still smoking.",
                             message_id="<m2@acme.example>",
                             extra=f"In-Reply-To: {sent.message_id}"))
    assert (result["outcome"], result["ticket_id"]) == ("replied", ticket_id)
    assert ops.get(db, SUPPORT_MANAGER, ticket_id)["status"] == "open"
    assert [(e["author_kind"], e["body"]) for e in entries(db, ticket_id)] == [
        ("agent", "Unplug it."), ("customer", "Still smoking.")]


def test_an_answer_threads_by_references_alone(db):
    ticket_id = receive(db, raw())["ticket_id"]
    result = receive(db, raw(subject="Fwd", message_id="<m3@acme.example>",
                             extra="References: <unknown@x.example> <m1@acme.example>"))
    assert (result["outcome"], result["ticket_id"]) == ("replied", ticket_id)


def test_an_answer_threads_by_the_subjects_ticket_token(db):
    ticket = ops.create_ticket(db, AGENT_A, channel="phone")
    result = receive(db, raw(subject=f"Re: your call [#T-{ticket['id']}]",
                             message_id="<m4@acme.example>"))
    assert (result["outcome"], result["ticket_id"]) == ("replied", ticket["id"])
    assert count(db, Ticket) == 1


def test_an_answer_to_a_closed_ticket_opens_a_new_one(db):
    ticket_id = receive(db, raw())["ticket_id"]
    ops.move(db, SUPPORT_MANAGER, ticket_id, "closed")
    result = receive(db, raw(message_id="<m5@acme.example>", extra="In-Reply-To: <m1@acme.example>"))
    assert result["outcome"] == "created" and result["ticket_id"] != ticket_id
    assert ticket_id in ops.get(db, SUPPORT_MANAGER, result["ticket_id"])["description"]


def test_an_unknown_sender_is_an_unmatched_ticket_or_goes_to_the_fallback_customer(
        db, monkeypatch):
    result = receive(db, raw(sender="stranger@nowhere.example"))
    ticket = ops.get(db, SUPPORT_MANAGER, result["ticket_id"])
    assert (result["outcome"], ticket["customer_id"], ticket["unmatched_sender"]) == (
        "created", None, True)           # tests/unit/service_desk/test_unmatched_sender.py
    assert count(db, Ticket) == 1 and mails(db)[0].status == "received"
    monkeypatch.setenv("SERVICE_DESK_EMAIL_UNMATCHED_CUSTOMER_ID", "c-2")
    result = receive(db, raw(sender="stranger@nowhere.example", message_id="<m6@x.example>"))
    ticket = ops.get(db, SUPPORT_MANAGER, result["ticket_id"])
    assert (ticket["customer_id"], ticket["tags"], ticket["unmatched_sender"]) == (
        "c-2", ["unmatched_sender"], False)
    assert ticket["description"].startswith("From: stranger@nowhere.example")


def test_a_mail_from_a_contact_persons_address_is_a_ticket_of_their_customer(db):
    result = receive(db, raw(sender="Grace <GRACE@globex.example>"))
    ticket = ops.get(db, SUPPORT_MANAGER, result["ticket_id"])
    assert (result["outcome"], ticket["customer_id"], ticket["contact_id"], ticket["tags"]) == (
        "created", "c-2", "ct-2", [])


def test_a_customers_own_address_wins_over_a_contact_person_sharing_it(db):
    apply(db, db.logs["customers"].emit("contact_added", contact(
        id="ct-3", customer_id="c-2", email="info@acme.example")))
    ticket = ops.get(db, SUPPORT_MANAGER, receive(db, raw())["ticket_id"])
    assert (ticket["customer_id"], ticket["contact_id"]) == ("c-1", None)


def test_html_only_mail_becomes_text_without_its_scripts(db):
    body = ("<html><head><style>p{}</style><script>alert(1)</script></head><body>"
            "<p>Hello <b>desk</b></p><script>steal()</script><p>Line&nbsp;2 &lt;ok&gt;</p>"
            "<img src=x onerror=alert(2)></body></html>")
    ticket_id = receive(db, raw(body=body, content_type="text/html; charset=utf-8"))["ticket_id"]
    description = ops.get(db, SUPPORT_MANAGER, ticket_id)["description"]
    assert description == "Hello desk\n\nLine 2 <ok>"
    assert "alert" not in description and "steal" not in description


@pytest.mark.parametrize("message, field", [
    (raw(sender=None), "raw"),                                   # no sender
    (raw(sender="not an address"), "raw"),
    ("", "raw"),                                                 # empty
])
def test_mail_without_a_sender_is_refused_and_changes_nothing(db, message, field):
    with pytest.raises(Invalid) as refused:
        receive(db, message)
    assert field in refused.value.details
    assert count(db, TicketMail) == 0 and count(db, Ticket) == 0


def test_a_huge_mail_is_refused(db):
    with pytest.raises(Invalid):
        receive(db, raw(body="x" * (600 * 1024)))
    assert count(db, TicketMail) == 0


def test_hostile_but_readable_mail_is_stored_safely(db):
    # an unknown charset, a body in another charset than declared, control characters, no
    # Message-ID (one is made of the content, so the repeat is still recognised)
    message = raw(message_id=None, subject="Bad\x1b[31m subject",
                  content_type="text/plain; charset=x-unknown-charset",
                  body="caf\xe9 \x00 ok").encode("latin-1")
    first = receive(db, message)
    assert first["outcome"] == "created"
    assert first["message_id"].endswith("@no-message-id.invalid>")
    ticket = ops.get(db, SUPPORT_MANAGER, first["ticket_id"])
    assert "\x1b" not in ticket["subject"] and "\x00" not in ticket["description"]
    assert receive(db, message)["outcome"] == "duplicate"


def test_control_characters_in_raw_text_are_refused_as_in_every_text_field(db):
    with pytest.raises(Invalid) as refused:
        receive(db, raw(body="\x1b$B"))
    assert "raw" in refused.value.details and count(db, TicketMail) == 0


def test_a_latin1_mail_sent_as_bytes_keeps_its_accents(db):
    message = raw(body="Caf\xe9 cr\xe8me", content_type="text/plain; charset=iso-8859-1")
    ticket_id = receive(db, message.encode("latin-1"))["ticket_id"]
    assert ops.get(db, SUPPORT_MANAGER, ticket_id)["description"] == "Caf\xe9 cr\xe8me"


def test_a_long_subject_and_body_are_cut_to_what_a_ticket_holds(db):
    ticket_id = receive(db, raw(subject="s" * 500, body="b" * 30_000))["ticket_id"]
    ticket = ops.get(db, SUPPORT_MANAGER, ticket_id)
    assert len(ticket["subject"]) == 200 and len(ticket["description"]) == parse.MAX_BODY
    assert ticket["description"].endswith("[truncated]")


def test_the_secret_is_compared_and_an_empty_one_refuses_everything(monkeypatch):
    monkeypatch.delenv("SERVICE_DESK_EMAIL_INBOUND_SECRET", raising=False)
    with pytest.raises(Unauthorized):
        inbound.check_secret("")
    monkeypatch.setenv("SERVICE_DESK_EMAIL_INBOUND_SECRET", "s3cret")
    for wrong in (None, "", "s3cre", "s3cret2", 42):
        with pytest.raises(Unauthorized):
            inbound.check_secret(wrong)
    inbound.check_secret("s3cret")


# --- outbound ---------------------------------------------------------------------------------

class Server:
    def __init__(self, *failures):
        self.failures, self.sent = list(failures), []

    def __call__(self, message):
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)


def test_a_reply_on_a_ticket_without_mail_goes_to_the_customers_address(db):
    ticket = ops.create_ticket(db, AGENT_A, channel="phone")
    sent = _agent_answer(db, ticket["id"])
    assert (sent.address, sent.in_reply_to, sent.status) == ("info@acme.example", None, "pending")


def test_notes_and_customer_replies_mail_nothing(db):
    ticket = ops.create_ticket(db, AGENT_A)
    ops.note(db, AGENT_A, ticket["id"])
    ops.reply(db, AGENT_A, ticket["id"], from_customer=True)
    assert mails(db, "out") == [] and count(db, TicketEntry) == 2


def test_a_transient_failure_retries_later_with_the_same_message_id(db, monkeypatch):
    monkeypatch.setenv("SERVICE_DESK_EMAIL_RETRY_SECONDS", "60")
    ticket_id = receive(db, raw())["ticket_id"]
    row = _agent_answer(db, ticket_id)
    server = Server(mail.TransientMailError("down"))
    now = row.next_attempt_at
    assert outbound.send_due(db, now, send=server) == {"sent": 0, "retrying": 1, "failed": 0}
    assert outbound.send_due(db, now, send=server) == {"sent": 0, "retrying": 0, "failed": 0}
    later = now + outbound._delay(1)
    assert outbound.send_due(db, later, send=server) == {"sent": 1, "retrying": 0, "failed": 0}
    assert outbound.send_due(db, later, send=server)["sent"] == 0        # once
    [message] = server.sent
    assert message["Message-ID"] == row.message_id
    assert message["In-Reply-To"] == "<m1@acme.example>"
    assert (mails(db, "out")[0].status, mails(db, "out")[0].attempts) == ("sent", 2)


def test_a_refused_mail_fails_with_the_servers_answer(db):
    row = _agent_answer(db, ops.create_ticket(db, AGENT_A)["id"])
    server = Server(mail.RecipientRefused("550 no such user", 550, {}))
    assert outbound.send_due(db, row.next_attempt_at, send=server)["failed"] == 1
    failed = mails(db, "out")[0]
    assert failed.status == "failed" and "550" in failed.last_error


def test_mail_is_counted_for_monitoring(db):
    from prometheus_client import REGISTRY

    def sample(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0.0
    before = (sample("crm_ticket_mail_received_total", outcome="created"),
              sample("crm_ticket_mail_received_total", outcome="duplicate"),
              sample("crm_ticket_mail_send_attempts_total", result="retrying"))
    receive(db, raw())
    receive(db, raw())
    row = _agent_answer(db, mails(db, "in")[0].ticket_id)
    outbound.send_due(db, row.next_attempt_at, send=Server(mail.TransientMailError("down")))
    after = (sample("crm_ticket_mail_received_total", outcome="created"),
             sample("crm_ticket_mail_received_total", outcome="duplicate"),
             sample("crm_ticket_mail_send_attempts_total", result="retrying"))
    assert [b - a for a, b in zip(before, after)] == [1, 1, 1]
