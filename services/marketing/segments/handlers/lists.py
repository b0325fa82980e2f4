"""A static list filled from a CSV file: a header naming `contact_id` or `email`, one contact
per row (an email names every contact with that address, case-insensitively). Every row must
name a contact of the audience — else a 422 naming the rows (the first 20) and nothing is
added — and then the list gets them all in one transaction (members.add_members' path)."""
import csv
import io

from sqlalchemy import select

from services.chassis import characters
from services.chassis.errors import Invalid
from services.marketing import settings
from services.marketing.audience.models import AudienceContact
from services.marketing.audience.profile import load_profiles
from services.marketing.audience.projection import normalized_email
from services.marketing.segments.handlers import members

KEYS = ("contact_id", "email")
ROWS_SHOWN = 20


def _invalid(message, field="csv"):
    return Invalid("The list file is not valid.", {field: [message]})


def parse(csv_text):
    """(key column, [(row number, value)]) — numbered like a spreadsheet (header = 1)."""
    if not isinstance(csv_text, str) or characters.find(csv_text, multiline=True):
        raise _invalid("Expected CSV text without control characters.")
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff"), newline=""))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        keys = [name for name in header if name in KEYS]
        if len(keys) != 1:
            raise _invalid("The header must name exactly one of: contact_id, email.", "header")
        column = header.index(keys[0])
        rows = [(number, record[column].strip() if column < len(record) else "")
                for number, record in enumerate(reader, start=2)
                if any(cell.strip() for cell in record)]
    except csv.Error as error:
        raise _invalid(f"Line {reader.line_num}: {error}.")
    if not rows:
        raise _invalid("The file has a header but no rows.")
    if len(rows) > settings.list_import_max_rows():
        raise _invalid(f"At most {settings.list_import_max_rows()} rows; split the file.")
    return keys[0], rows


def _resolve(session, key, rows):
    """{row number: [contact ids]} (an empty list: nobody in the audience matches)."""
    found = {}
    values = sorted({value for _number, value in rows if value})
    if key == "email":
        wanted = {normalized_email(value) for value in values} - {None}
        by_email = {}
        for start in range(0, len(wanted), 500):
            chunk = sorted(wanted)[start:start + 500]
            for contact_id, email in session.execute(
                    select(AudienceContact.id, AudienceContact.email_norm)
                    .where(AudienceContact.email_norm.in_(chunk))):
                by_email.setdefault(email, []).append(contact_id)
        candidates = {number: by_email.get(normalized_email(value), []) for number, value in rows}
    else:
        candidates = {number: [value] if value else [] for number, value in rows}
    profiles = load_profiles(session, {i for ids in candidates.values() for i in ids})
    for number, ids in candidates.items():
        found[number] = [i for i in ids if i in profiles and profiles[i]["in_audience"]]
    return found


def import_members(uow, principal, segment_id, csv_text):
    members.static_list(uow.session, segment_id)
    key, rows = parse(csv_text)
    found = _resolve(uow.session, key, rows)
    missing = [number for number, ids in found.items() if not ids]
    if missing:
        shown = ", ".join(str(number) for number in missing[:ROWS_SHOWN])
        raise _invalid(f"{len(missing)} row(s) name no contact of the audience (by {key}): "
                       f"row {shown}{' …' if len(missing) > ROWS_SHOWN else ''}.", "rows")
    ids = list(dict.fromkeys(i for number, _value in rows for i in found[number]))
    return members.put_on_list(uow, principal, segment_id, ids)
