"""The chassis's mail sending against a real SMTP server (aiosmtpd, tests/smtp_server.py):
what arrives (multipart text + HTML, the caller's Message-ID, RFC 8058 headers), and each
failure as the class a caller acts on — a 550 recipient is RecipientRefused, a 421 or a server
that is down or silent is TransientMailError, and the same send succeeds once it is back;
STARTTLS and implicit TLS with AUTH, a wrong password and an untrusted certificate."""
import smtplib
import socket

import pytest
from prometheus_client import REGISTRY

from services.chassis import mail
from tests.helpers import free_port
from tests.smtp_server import SmtpServer

UNSUBSCRIBE = {"List-Unsubscribe": "<https://crm.example/u/abc>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def letter(to="ada@example.com", key="campaign/1/contact/1", **changes):
    return mail.build_message(**{
        "to": to, "subject": "Grüße, Ada", "text": "Hello Ada\n", "html": "<p>Hello <b>Ada</b></p>",
        "sender": "Marketing <news@crm.example>", "message_id": mail.message_id(key, "news@crm.example"),
        "headers": UNSUBSCRIBE, **changes})


def test_message_ids_follow_their_key_alone():
    first = mail.message_id("campaign/1/contact/1", "news@crm.example")
    assert first == mail.message_id("campaign/1/contact/1", "Other <x@crm.example>")
    assert first != mail.message_id("campaign/1/contact/2", "news@crm.example")
    assert first.startswith("<") and first.endswith("@crm.example>")


def test_a_sent_message_arrives_whole(smtp_server):
    sent = letter()
    assert mail.send(sent) == {}
    [(envelope, received)] = smtp_server.wait_for(1)
    assert (envelope["mail_from"], envelope["rcpt_tos"]) == ("news@crm.example", ["ada@example.com"])
    assert received["Message-ID"] == sent["Message-ID"]
    assert str(received["Subject"]) == "Grüße, Ada"
    assert received.get_content_type() == "multipart/alternative"
    assert received.get_body(("plain",)).get_content() == "Hello Ada\n"
    assert received.get_body(("html",)).get_content().strip() == "<p>Hello <b>Ada</b></p>"
    assert (received["List-Unsubscribe"], received["List-Unsubscribe-Post"]) == (
        "<https://crm.example/u/abc>", "List-Unsubscribe=One-Click")


def test_text_only_and_the_configured_sender(smtp_server, monkeypatch):
    monkeypatch.setenv("SMTP_FROM", "CRM <crm@crm.example>")
    message = mail.build_message(to="bob@example.com", subject="Hi", text="Plain only")
    with mail.connect() as connection:           # one session, several messages
        connection.send(message)
        connection.send(mail.build_message(to="eve@example.com", subject="Hi", text="Two"))
    received = smtp_server.wait_for(2)
    assert received[0][1].get_content_type() == "text/plain"
    assert received[0][0]["mail_from"] == "crm@crm.example"
    assert received[0][1]["Message-ID"].endswith("@crm.example>")


def test_a_permanently_refused_recipient_is_told_from_a_deferred_one(smtp_server):
    smtp_server.refuse("gone@example.com", "550 5.1.1 User unknown")
    smtp_server.refuse("full@example.com", "421 4.3.0 Try again later")
    with pytest.raises(mail.RecipientRefused) as refused:
        mail.send(letter(to="gone@example.com"))
    assert refused.value.code == 550 and "gone@example.com" in refused.value.refused
    assert isinstance(refused.value, mail.PermanentMailError)
    with pytest.raises(mail.TransientMailError) as deferred:
        mail.send(letter(to="full@example.com"))
    assert not isinstance(deferred.value, mail.PermanentMailError)
    smtp_server.accept("full@example.com")
    mail.send(letter(to="full@example.com"))
    assert [r[0]["rcpt_tos"] for r in smtp_server.wait_for(1)] == [["full@example.com"]]


def test_a_server_that_is_down_is_transient_and_the_same_send_goes_when_it_is_back(smtp_server):
    smtp_server.stop()
    message = letter()
    with pytest.raises(mail.TransientMailError):
        mail.send(message)
    smtp_server.start()                      # the same port
    mail.send(message)
    [(_envelope, received)] = smtp_server.wait_for(1)
    assert received["Message-ID"] == message["Message-ID"]


class SenderRefusing:
    def send_message(self, message, from_addr, to_addrs):
        raise smtplib.SMTPSenderRefused(553, b"5.7.1 Sender not allowed", from_addr)


def attempts():
    return {result: REGISTRY.get_sample_value("crm_smtp_send_attempts_total", {"result": result})
            for result in mail.RESULTS}


def test_every_attempt_is_counted_by_its_result(smtp_server):
    """crm_smtp_send_attempts_total, what the alert CrmSmtpFailing reads: a session that cannot
    open and a 4xx are transient, a 550 recipient and a 554 message are refused."""
    before = attempts()
    smtp_server.refuse("gone@example.com", "550 5.1.1 User unknown")
    smtp_server.refuse("full@example.com", "421 4.3.0 Try again later")
    mail.send(letter())
    for to, error in (("gone@example.com", mail.RecipientRefused),
                      ("full@example.com", mail.TransientMailError)):
        with pytest.raises(error):
            mail.send(letter(to=to))
    with pytest.raises(mail.MessageRefused):            # this server takes any sender: a 553
        mail.Connection(SenderRefusing(), mail.settings()).send(letter())
    smtp_server.stop()
    with pytest.raises(mail.TransientMailError):
        mail.send(letter())
    after = attempts()
    assert {result: after[result] - before[result] for result in mail.RESULTS} == {
        "sent": 1, "transient": 2, "recipient_refused": 1, "message_refused": 1}


def test_a_server_that_never_answers_times_out_as_transient(monkeypatch):
    silent = socket.socket()
    silent.bind(("127.0.0.1", free_port()))
    silent.listen(1)                         # connects, never greets
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(silent.getsockname()[1]))
    monkeypatch.setenv("SMTP_TIMEOUT_SECONDS", "0.3")
    try:
        with pytest.raises(mail.TransientMailError):
            mail.send(letter())
    finally:
        silent.close()


def test_a_bad_security_setting_names_itself(monkeypatch):
    monkeypatch.setenv("SMTP_SECURITY", "ssl3")
    with pytest.raises(ValueError, match="SMTP_SECURITY"):
        mail.settings()


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_tls_with_authentication(tmp_path, monkeypatch, security):
    server = SmtpServer(tmp_path / "smtp", security=security, auth=("crm", "s3cret")).start()
    try:
        for name, value in server.environment("crm", "s3cret").items():
            monkeypatch.setenv(name, value)
        mail.send(letter())
        [(envelope, _received)] = server.wait_for(1)
        assert envelope["authenticated_as"] == "crm"

        monkeypatch.setenv("SMTP_PASSWORD", "wrong")
        with pytest.raises(mail.TransientMailError) as refused:    # the operator's to fix
            mail.send(letter())
        assert refused.value.code == 535

        monkeypatch.setenv("SMTP_PASSWORD", "s3cret")
        monkeypatch.delenv("SMTP_CA_FILE")   # the self-signed certificate is not trusted
        with pytest.raises(mail.TransientMailError):
            mail.send(letter())
        assert len(server.received()) == 1
    finally:
        server.stop()


LONG_URL = "https://crm.example/api/v1/marketing/t/unsubscribe/" + "eyJjIjoiY2FtcC0xIiwiayI6" * 4


@pytest.mark.parametrize("html", ["<p>Hello <b>Ada</b></p>\n.a line that starts with a dot",
                                  None])
def test_a_prepared_message_arrives_as_the_built_one_would(smtp_server, html):
    """prepare_message writes the message itself (no email package on the way out): what
    arrives reads as build_message's would — headers, non-ASCII subject, parts — over one
    session; and a long List-Unsubscribe stays one readable URL, not an encoded word."""
    fields = dict(to="ada@example.com", subject="Grüße, Ada", text="Hello Ada\nline two",
                  html=html, sender="News <news@crm.example>",
                  message_id=mail.message_id("k/1", "news@crm.example"),
                  headers={"List-Unsubscribe": f"<{LONG_URL}>",
                           "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    prepared = mail.prepare_message(**fields)
    assert isinstance(prepared, mail.PreparedMessage)
    assert prepared["Message-ID"] == fields["message_id"]
    with mail.connect() as connection:
        assert connection.send(prepared) == {}
        connection.send(mail.build_message(**fields))
    [(envelope, fast), (_envelope, built)] = smtp_server.wait_for(2)
    assert (envelope["mail_from"], envelope["rcpt_tos"]) == ("news@crm.example", ["ada@example.com"])
    for name in ("From", "To", "Subject", "Message-ID", "List-Unsubscribe-Post", "MIME-Version"):
        assert str(fast[name]) == str(built[name]), name
    assert fast["List-Unsubscribe"] == f"<{LONG_URL}>"
    assert fast.get_content_type() == built.get_content_type()
    assert [(p.get_content_type(), p.get_content()) for p in fast.walk() if not p.is_multipart()] \
        == [(p.get_content_type(), p.get_content()) for p in built.walk() if not p.is_multipart()]


def test_a_message_prepare_cannot_write_plainly_is_built_as_before():
    for odd in ({"to": "Jürgen <j@example.com>"}, {"headers": {"X-Note": "a\r\nBcc: x@y"}}):
        fields = {"to": "ada@example.com", "subject": "Hi", "text": "Hello",
                  "sender": "news@crm.example", "message_id": "<1@crm.example>", **odd}
        if "headers" in odd:
            with pytest.raises(ValueError):            # no header injection either way
                mail.prepare_message(**fields)
        else:
            assert not isinstance(mail.prepare_message(**fields), mail.PreparedMessage)
