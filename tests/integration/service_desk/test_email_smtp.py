"""Agents' public replies at a real SMTP server (aiosmtpd, tests/smtp_server.py): the mail
arrives at the customer's address with the ticket token in its subject and the headers that
thread the customer's answer back (Message-ID derived from the reply, In-Reply-To /
References naming the customer's mail) — and the answer does thread back; the server down →
the reply is kept and mailed once it is back, once."""
from services.service_desk.email_channel import outbound
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import SUPPORT_MANAGER
from tests.unit.service_desk.test_email import db, mails, raw, receive  # noqa: F401  (fixture)


def test_a_public_reply_arrives_with_threading_headers_and_the_answer_threads_back(
        db, smtp_server):  # noqa: F811
    ticket_id = receive(db, raw())["ticket_id"]
    ops.reply(db, SUPPORT_MANAGER, ticket_id, body="Unplug it, please.")
    assert outbound.send_due(db)["sent"] == 1
    [(envelope, message)] = smtp_server.wait_for(1)
    assert envelope["rcpt_tos"] == ["info@acme.example"]
    assert str(message["Subject"]) == f"Re: Printer on fire [#T-{ticket_id}]"
    assert message["In-Reply-To"] == "<m1@acme.example>"
    assert message["References"] == "<m1@acme.example>"
    assert message["Message-ID"] == mails(db, "out")[0].message_id
    assert message.get_content().strip() == "Unplug it, please."
    answer = receive(db, raw(subject=f"Re: {message['Subject']}", body="Done.",
                             message_id="<m2@acme.example>",
                             extra=f"In-Reply-To: {message['Message-ID']}"))
    assert (answer["outcome"], answer["ticket_id"]) == ("replied", ticket_id)


def test_smtp_down_the_reply_is_mailed_later_once(db, smtp_server, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SERVICE_DESK_EMAIL_RETRY_SECONDS", "0")
    ticket_id = receive(db, raw())["ticket_id"]
    smtp_server.stop()
    ops.reply(db, SUPPORT_MANAGER, ticket_id, body="Unplug it, please.")
    assert ops.entries(db, SUPPORT_MANAGER, ticket_id)["items"][0]["body"] == "Unplug it, please."
    assert outbound.send_due(db) == {"sent": 0, "retrying": 1, "failed": 0}
    assert "unreachable" in mails(db, "out")[0].last_error
    smtp_server.start(smtp_server.port)
    assert outbound.send_due(db)["sent"] == 1
    assert outbound.send_due(db)["sent"] == 0
    smtp_server.wait_for(1)
    assert len(smtp_server.messages_to("info@acme.example")) == 1
    assert mails(db, "out")[0].attempts == 2
