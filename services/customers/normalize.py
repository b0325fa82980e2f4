"""customers' normalised keys. Text, digits and email are the chassis's (services/chassis/
normalize.py: one normalisation for every service); the search column and tags are customers'.
"""
import unicodedata

from services.chassis.normalize import digits, email, text  # noqa: F401  (normalize.text, ...)


def search_text(name, email_value, phone):
    """The column `q` is matched against: name, email and phone, each normalised."""
    return search_text_of(text(name), text(email_value), digits(phone))


def search_text_of(name_text, email_text, phone_digits):
    """search_text from its parts already normalised (text, text, digits)."""
    return "\n".join(part for part in (name_text, email_text, phone_digits) if part)


def tag(value):
    """Tags compare case- and width-insensitively; punctuation is kept (C++ is not C)."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())
