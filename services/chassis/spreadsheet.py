"""What every export a spreadsheet may open does to its cells (customers' CSV export, the
gateway's report exports as CSV and XLSX)."""


def spreadsheet_safe(value):
    """Defuse CSV formula injection (OWASP): a cell a spreadsheet would evaluate gets a leading
    apostrophe. Phone numbers and amounts starting with + or - stay as they are."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] in "=@\t\r" or (value[0] in "+-" and not _phone_or_number(value)):
        return "'" + value
    return value


def _phone_or_number(value):
    return all(ch.isdigit() or ch in " +-().," for ch in value)
