"""Sending email over real SMTP (stdlib smtplib / email), for every service that sends mail
(marketing's templates and broadcasts, the service desk's replies). Nothing here knows who
sends or why.

- Settings come from the environment when a connection opens (`settings()`, the README's
  configuration table): SMTP_HOST, SMTP_PORT, SMTP_SECURITY (`none` | `starttls` | `tls`),
  SMTP_USERNAME / SMTP_PASSWORD (AUTH only when a user name is set), SMTP_FROM,
  SMTP_TIMEOUT_SECONDS, SMTP_CA_FILE (a private CA to verify the server with).
- `build_message()` makes a multipart/alternative text + HTML message with the Message-ID the
  caller chose (`message_id(key, ...)` derives one from a key): a retried send of the same
  mail carries the same Message-ID, so the receiving side — and whoever reads the logs — can
  tell a repeat from a second mail.
- Failures are told apart by what the caller should do next:
  `TransientMailError` (connection refused, timeout, a 4xx, authentication or TLS trouble —
  wait and try again; nothing was accepted), `RecipientRefused` (a 5xx to RCPT TO: this
  address will never take mail — do-not-contact), `MessageRefused` (a 5xx to the sender or the
  message itself: this mail will not go, the address may be fine).
- Every attempt is counted by its result in crm_smtp_send_attempts_total{result}: `sent`,
  `transient` (including a session that could not be opened), `recipient_refused`,
  `message_refused` — one series for every sender, which the alert CrmSmtpFailing reads
  (deploy/prometheus/alerts.rules.yml: most attempts of a service failing for 15 minutes).
- Green under eventlet: smtplib uses `socket` and `ssl`, which the monkey patch replaces (every
  nameko service is patched), so a slow server blocks one green thread, not the process.
"""
import functools
import hashlib
import secrets
import smtplib
import socket
import ssl
from contextlib import contextmanager
from dataclasses import dataclass
from email import charset as _charset
from email.header import Header
from email.message import EmailMessage
from datetime import datetime, timezone
from email.utils import format_datetime, formatdate, getaddresses, make_msgid, parseaddr

from prometheus_client import Counter

from services.chassis.settings import env

SECURITY_MODES = ("none", "starttls", "tls")


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    security: str
    username: str | None
    password: str | None
    sender: str
    timeout: float
    ca_file: str | None = None


def settings():
    security = (env.str("SMTP_SECURITY", "none") or "none").strip().lower()
    if security not in SECURITY_MODES:
        raise ValueError(f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}, not {security!r}")
    return MailSettings(
        host=env.str("SMTP_HOST", "localhost"), port=env.int("SMTP_PORT", 1025),
        security=security, username=env.str("SMTP_USERNAME"), password=env.str("SMTP_PASSWORD"),
        sender=env.str("SMTP_FROM", "CRM <crm@localhost>"),
        timeout=env.float("SMTP_TIMEOUT_SECONDS", 10.0), ca_file=env.str("SMTP_CA_FILE"))


# --- failures -------------------------------------------------------------------------------

class MailError(Exception):
    """`code`: the server's SMTP reply code, None when there was no answer."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


class TransientMailError(MailError):
    """Nothing was accepted; the same send may succeed later (wait, then resume)."""


class PermanentMailError(MailError):
    """The server said no for good (5xx); sending the same again will fail again."""


class MessageRefused(PermanentMailError):
    """The sender or the message was refused — not the recipient's address."""


class RecipientRefused(PermanentMailError):
    """Every recipient was refused permanently; `refused`: {address: (code, reply text)}."""

    def __init__(self, message, code, refused):
        super().__init__(message, code)
        self.refused = refused


def _text(reply):
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _by_code(code, message, permanent=MessageRefused):
    if code is not None and 500 <= code < 600:
        return permanent(message, code)
    return TransientMailError(message, code)


def _translated(error):
    """smtplib's and the socket's exceptions → ours (the one place that knows them)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in error.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            return RecipientRefused(f"Recipients refused: {error.recipients}", codes[0],
                                    {address: (code, _text(reply))
                                     for address, (code, reply) in error.recipients.items()})
        return TransientMailError(f"Recipients deferred: {error.recipients}", codes[0] if codes else None)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        # Wrong credentials are the operator's to fix; the mail itself is fine: wait for it.
        return TransientMailError(f"SMTP authentication failed: {error.smtp_code}", error.smtp_code)
    if isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return _by_code(error.smtp_code, f"SMTP {error.smtp_code}: {_text(error.smtp_error)}")
    if isinstance(error, smtplib.SMTPResponseException):
        return TransientMailError(f"SMTP {error.smtp_code}: {_text(error.smtp_error)}", error.smtp_code)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return TransientMailError(f"SMTP server lacks a needed extension: {error}")
    return TransientMailError(f"SMTP server unreachable: {type(error).__name__}: {error}")


FAILURES = (smtplib.SMTPException, OSError, socket.timeout, ssl.SSLError)   # OSError: refused, reset

ATTEMPTS = Counter("crm_smtp_send_attempts_total",
                   "SMTP sends (and sessions that failed to open) by result: sent / transient / "
                   "recipient_refused / message_refused", ["result"])
RESULTS = ("sent", "transient", "recipient_refused", "message_refused")
for _result in RESULTS:             # exported at 0 from the start: a ratio has its denominator
    ATTEMPTS.labels(_result)


def _failed(error):
    """`error` translated, its attempt counted."""
    failure = _translated(error)
    ATTEMPTS.labels("recipient_refused" if isinstance(failure, RecipientRefused)
                    else "message_refused" if isinstance(failure, MessageRefused)
                    else "transient").inc()
    return failure


# --- messages -------------------------------------------------------------------------------

def message_id(key, sender=None):
    """A Message-ID made from `key` alone (e.g. "campaign/<id>/contact/<id>"): the same key, the
    same Message-ID, on every retry and every replica; the domain is the sender's."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{_domain(sender or settings().sender)}>"


def _domain(sender):
    return address(sender).rpartition("@")[2] or "localhost"


def build_message(*, to, subject, text, html=None, sender=None, message_id=None, headers=None,
                  reply_to=None):
    """A message ready for `send`: text/plain alone, or multipart/alternative with the HTML
    part last (the one a mail client prefers). `headers`: extra ones, e.g. RFC 8058's
    {"List-Unsubscribe": "<https://…>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}."""
    message = EmailMessage()
    message["From"] = sender or settings().sender
    message["To"] = to if not isinstance(to, (list, tuple)) else ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id or make_msgid(domain=_domain(message["From"]))
    if reply_to:
        message["Reply-To"] = reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text or "", cte="quoted-printable")
    if html is not None:
        message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message


_UTF8 = _charset.Charset("utf-8")
_UTF8.body_encoding = _charset.QP          # the quoted-printable build_message's parts use


class PreparedMessage:
    """A message already serialised for the wire (`prepare_message`): sent with no email
    package work left — its envelope and bytes — and readable by header name like an
    EmailMessage for the headers it was given (message["Message-ID"])."""

    def __init__(self, headers, data, sender, recipients):
        self._headers, self.data = headers, data
        self.sender, self.recipients = sender, recipients

    def __getitem__(self, name):
        return self._headers.get(name)

    def as_bytes(self):
        return self.data


def _ascii_line(value):
    return value.isascii() and "\r" not in value and "\n" not in value


def _qp(text):
    """A text part's body as set_content(cte="quoted-printable") writes it: lines normalised,
    a final line end, UTF-8, quoted-printable, CRLF."""
    normalised = "\n".join(text.splitlines()) + "\n"
    return _UTF8.body_encode(normalised).replace("\n", "\r\n")


def prepare_message(*, to, subject, text, html=None, sender=None, message_id=None, headers=None):
    """What build_message makes, serialised directly: the same headers, the same text/plain
    (and text/html) quoted-printable UTF-8 parts — without the email package's header registry
    parsing and re-folding every header and its generator walking the tree, which cost ~3.7 ms
    of CPU per message, most of a broadcast's per-email CPU after the database (bench/
    FINDINGS.md, eighth session). Only plain cases take this path: one ASCII To address and
    ASCII headers but the subject (RFC 2047-encoded when it is not ASCII); anything else is
    build_message's (returned as is)."""
    sender = sender or settings().sender
    extra = headers or {}
    if not (isinstance(to, str) and _ascii_line(to) and _ascii_line(sender)
            and "\r" not in subject and "\n" not in subject
            and all(_ascii_line(name) and _ascii_line(value) for name, value in extra.items())
            and message_id and _ascii_line(message_id)):
        return build_message(to=to, subject=subject, text=text, html=html, sender=sender,
                             message_id=message_id, headers=headers)
    encoded_subject = subject if subject.isascii() else \
        Header(subject, _UTF8, header_name="Subject").encode(linesep="\r\n")
    named = {"From": sender, "To": to, "Subject": encoded_subject,
             "Date": format_datetime(datetime.now(timezone.utc)), "Message-ID": message_id, **extra}
    lines = [f"{name}: {value}" for name, value in named.items()]
    lines.append("MIME-Version: 1.0")
    plain = ('Content-Type: text/plain; charset="utf-8"\r\n'
             "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + _qp(text or ""))
    if html is None:
        body = "\r\n".join(lines) + "\r\n" + plain
    else:
        boundary = f"==============={secrets.randbits(63):019d}=="
        lines.append(f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"')
        body = ("\r\n".join(lines) + f"\r\n\r\n--{boundary}\r\n" + plain
                + f"\r\n--{boundary}\r\n"
                + 'Content-Type: text/html; charset="utf-8"\r\n'
                  "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + _qp(html)
                + f"\r\n--{boundary}--\r\n")
    return PreparedMessage({**named, "Subject": subject}, body.encode("ascii"),
                           address(sender), [address(to)])


def address(value):
    """The bare address of "Name <a@b>" (or of "a@b")."""
    return _address(str(value))


@functools.lru_cache(maxsize=1024)
def _address(value):
    return parseaddr(value)[1]        # a broadcast asks the sender's a few times per email


# --- sending --------------------------------------------------------------------------------

class Connection:
    """One open SMTP session; `send` may be called many times (a batch of a broadcast)."""

    def __init__(self, smtp, config):
        self._smtp, self.config = smtp, config

    def send(self, message):
        """Sends `message` to its To addresses; raises one of the MailErrors (nothing raised:
        the server accepted it — for a single recipient, the mail is now the server's)."""
        try:
            if isinstance(message, PreparedMessage):
                refused = self._smtp.sendmail(message.sender or address(self.config.sender),
                                              message.recipients, message.data)
            else:
                sender = address(message["From"]) or address(self.config.sender)
                recipients = [addr for _name, addr in getaddresses(message.get_all("To", []))]
                refused = self._smtp.send_message(message, from_addr=sender, to_addrs=recipients)
        except FAILURES as error:
            raise _failed(error) from error
        ATTEMPTS.labels("sent").inc()
        return refused              # {address: (code, reply)} refused among several; {} for one


def _tls_context(config):
    context = ssl.create_default_context(cafile=config.ca_file) if config.ca_file \
        else ssl.create_default_context()
    return context


@contextmanager
def connect(config=None):
    """An authenticated session to the configured server, closed afterwards; failing to open
    it is a TransientMailError (a server that is down comes back)."""
    config = config or settings()
    try:
        if config.security == "tls":
            smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout,
                                    context=_tls_context(config))
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        try:
            smtp.ehlo()
            if config.security == "starttls":
                smtp.starttls(context=_tls_context(config))
                smtp.ehlo()
            if config.username:
                smtp.login(config.username, config.password or "")
        except BaseException:
            smtp.close()
            raise
    except FAILURES as error:
        raise _failed(error) from error
    try:
        yield Connection(smtp, config)
    finally:
        try:
            smtp.quit()
        except FAILURES:
            smtp.close()


def send(message, config=None):
    """Opens a session, sends one message, closes it."""
    with connect(config) as connection:
        return connection.send(message)
