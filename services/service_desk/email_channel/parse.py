"""A raw RFC 5322 message → what the service desk keeps of it (stdlib `email`, the default
policy). Hostile mail (issue 12 §9) is either refused with `Invalid` (no usable sender, a
message the parser cannot read at all) or kept safely: the text only — HTML becomes plain text
with scripts and styles dropped, never stored as HTML; control characters removed; subject and
body cut to what a ticket holds; an unknown or wrong charset decoded with replacement
characters. A mail without a Message-ID gets one made of its content, so a repeat is still
recognised."""
import hashlib
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.utils import getaddresses
from html.parser import HTMLParser

from services.chassis.errors import Invalid

MAX_SUBJECT, MAX_BODY = 200, 20_000
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,240}>")
TOKEN = re.compile(r"\[#T-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\]",
                   re.IGNORECASE)


@dataclass(frozen=True)
class Parsed:
    message_id: str
    sender: str            # the bare address, lower case
    subject: str
    text: str
    in_reply_to: tuple     # Message-IDs this mail answers: In-Reply-To first, then References
    ticket_token: str | None


def token(ticket_id):
    """What an outgoing subject carries so an answer finds its ticket without the headers."""
    return f"[#T-{ticket_id}]"


def clean(value, multiline):
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value if multiline else " ".join(value.split())


def _cut(value, limit):
    return value if len(value) <= limit else value[:limit - 12] + "\n[truncated]"


class _Text(HTMLParser):
    """HTML → its visible text; script / style / head content dropped, block tags as lines."""
    SKIP = {"script", "style", "head", "title", "template", "noscript"}
    BREAK = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
             "pre", "table", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BREAK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BREAK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup):
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _content(part):
    """A text part's content; a charset Python does not know (or bytes that are not in it)
    decoded as UTF-8 with replacement characters instead of failing."""
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError, ValueError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace")


def _body(message):
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = _content(part)
    if not isinstance(content, str):
        return ""
    return html_to_text(content) if part.get_content_subtype() == "html" else content


def _ids(value):
    return tuple(_MESSAGE_ID.findall(str(value or "")))


def _sender(message):
    addresses = [address for _name, address in getaddresses([str(v) for v in
                                                              message.get_all("From", [])])]
    found = [a for a in addresses if "@" in a and len(a) <= 254 and not _CONTROL.search(a)]
    if not found:
        raise Invalid("The request is not valid.", {"raw": ["The mail has no sender address."]})
    return found[0].strip().lower()


def parse(raw):
    """`raw`: the message's bytes."""
    try:
        message = message_from_bytes(raw, policy=policy.default)
        sender = _sender(message)
        own_ids = _ids(message.get("Message-ID"))
        message_id = own_ids[0] if own_ids else \
            f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.invalid>"
        subject = clean(str(message.get("Subject") or ""), multiline=False)
        text = clean(_body(message), multiline=True).strip()
        answered = _ids(message.get("In-Reply-To")) + tuple(
            reversed(_ids(message.get("References"))))
    except Invalid:
        raise
    except Exception as error:   # the parser on hostile input: a 422, never a 5xx
        raise Invalid("The request is not valid.", {"raw": [
            f"Not a readable RFC 5322 message ({type(error).__name__})."]})
    found = TOKEN.search(subject)
    return Parsed(message_id=message_id, sender=sender,
                  subject=subject[:MAX_SUBJECT].strip() or "(no subject)",
                  text=_cut(text, MAX_BODY) or "(no text)", in_reply_to=answered,
                  ticket_token=found.group(1).lower() if found else None)
