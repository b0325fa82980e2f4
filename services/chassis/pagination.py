"""Keyset (cursor) pagination: cost stays flat however deep the page, and no COUNT(*).

A cursor is the sort key of the last row served, signed with HMAC and stamped with its issue
time, so a client can neither forge a position nor replay a stale one.
"""
import base64
import hashlib
import hmac
import json
import time

from services.chassis import settings
from services.chassis.errors import Invalid

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


def _secret():
    return settings.env("CURSOR_SECRET", "dev-cursor-secret-change-me").encode()


def _ttl():
    return settings.env_int("CURSOR_TTL_SECONDS", 3600)


def encode_cursor(values, scope):
    """`scope` ties the cursor to one query shape (e.g. the sort), so it cannot be reused across."""
    body = json.dumps({"v": values, "s": scope, "t": int(time.time())}, separators=(",", ":"))
    raw = body.encode()
    signature = hmac.new(_secret(), raw, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(signature + raw).decode().rstrip("=")


def decode_cursor(token, scope):
    def bad(message):
        return Invalid("The cursor is not valid.", {"cursor": [message]})
    try:
        blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        signature, raw = blob[:16], blob[16:]
    except (ValueError, TypeError):
        raise bad("Malformed cursor.")
    if not hmac.compare_digest(signature, hmac.new(_secret(), raw, hashlib.sha256).digest()[:16]):
        raise bad("Unknown or tampered cursor.")
    data = json.loads(raw)
    if data.get("s") != scope:
        raise bad("This cursor belongs to a different query.")
    if time.time() - data["t"] > _ttl():
        raise bad("The cursor has expired; start again from the first page.")
    return data["v"]


def page_size(value):
    if value is None:
        return DEFAULT_PAGE_SIZE
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGE_SIZE:
        raise Invalid("The page size is not valid.",
                      {"limit": [f"Must be an integer between 1 and {MAX_PAGE_SIZE}."]})
    return value
