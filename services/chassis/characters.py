"""Which characters a string that comes in may hold: one rule for every input of every service
(JSON bodies, query strings, path values, CSV cells, RPC arguments), applied by the chassis's
`Input` schemas and by the gateway before anything is parsed further.

- Text is Unicode: a lone UTF-16 surrogate ("\\ud800" in JSON) is not a character and cannot be
  stored or sent on (UTF-8 has no encoding for it). Refused.
- Control characters (C0 U+0000-U+001F, DEL U+007F, C1 U+0080-U+009F) are refused, named per
  field, never stripped: a NUL in a name cannot be stored on PostgreSQL and an invisible
  character in a stage label or a customer name is a mistake or an attack, not data.
- Except tab, line feed and carriage return in a multi-line text field (an address, notes,
  an interaction's summary: `text(..., multiline=True)`), where they are the text's layout.

The document says the same with a `pattern` on every string field (`pattern()` below), so a
client and a fuzzer know it before sending.
"""
import re

_LINE_LAYOUT = "\t\n\r"
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

# The JSON Schema (ECMA-262) character classes, written with escapes so the document is ASCII.
_SINGLE_LINE_CLASS = r"\u0000-\u001f\u007f-\u009f"
_MULTI_LINE_CLASS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"


def problem(value, multiline=False):
    """Why `value` (a str) is refused, or None if it is acceptable text."""
    found = find(value, multiline)
    return None if found is None else f"{found[1]} at position {found[0]} is not allowed."


def find(value, multiline=False):
    """(position, what) of the first refused character of `value`, or None."""
    found = _SURROGATE.search(value)
    if found:
        return found.start(), f"A lone surrogate U+{ord(found.group()):04X} (not valid Unicode)"
    for found in _CONTROL.finditer(value):
        if multiline and found.group() in _LINE_LAYOUT:
            continue
        kind = "A line break or tab" if found.group() in _LINE_LAYOUT else "Control character"
        return found.start(), f"{kind} U+{ord(found.group()):04X}"
    return None


def has_surrogate(value):
    return _SURROGATE.search(value) is not None


def pattern(multiline=False, not_blank=False):
    """The JSON Schema `pattern` of the text a field accepts."""
    refused = _MULTI_LINE_CLASS if multiline else _SINGLE_LINE_CLASS
    if not_blank:
        return rf"^[^{refused}]*[^\s{refused}][^{refused}]*$"
    return rf"^[^{refused}]*$"


def item_pattern():
    """A comma-separated query list's item: single-line text, no comma, not blank."""
    return rf"^[^,{_SINGLE_LINE_CLASS}]*[^,\s{_SINGLE_LINE_CLASS}][^,{_SINGLE_LINE_CLASS}]*$"
