"""One text normalisation for duplicate detection, search, sorting and uniqueness keys, in every
service, so they always agree.

NFKC folds full-width and compatibility forms (ＡＣＭＥ → ACME, ｶ → カ), casefold handles more
than lower() (Straße → strasse), punctuation goes, whitespace collapses. Non-Latin scripts
(CJK, Cyrillic, Arabic...) are letters and survive untouched.
"""
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def text(value):
    if not value:
        return ""
    folded = unicodedata.normalize("NFKC", value).casefold()
    kept = "".join(ch for ch in folded if not unicodedata.category(ch).startswith("P"))
    return _SPACES.sub(" ", kept).strip()


def digits(value):
    """Only the digits of a phone number (any script's digits become ASCII via NFKC)."""
    if not value:
        return ""
    return "".join(ch for ch in unicodedata.normalize("NFKC", value) if ch.isdigit() and ch.isascii())


def email(value):
    return value.strip().casefold() if value else None
