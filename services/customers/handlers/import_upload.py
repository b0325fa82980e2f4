"""CSV import, the upload: a file of any size arrives in parts (the gateway streams the request
body), and no step holds more than one part and the record it left unfinished.

open_import → append_import(part 1, 2, …) → close_import: the job is "uploading" (the runner
never claims it) until closed, then "pending". Parts are cut anywhere — inside a row, inside a
quoted multi-line cell, between \\r and \\n — so each part's text is read line by line through
one csv reader, and the record still open when the part's lines run out is carried into the
next part. Rows are numbered exactly as a whole-file read numbers them (header row 1, a blank
row counted, a multi-line cell one row). A retried part (its number already taken) is ignored;
an upload that breaks off is `abort_import`ed: failed, with the reason, its rows dropped — or,
if the gateway itself went away, expired by the runner once no part came for a lease.
"""
import csv
import io
import json
import uuid
from datetime import timedelta

from sqlalchemy import delete, insert, select

from services.chassis import characters
from services.chassis.errors import Invalid, NotFound
from services.chassis.models import utcnow
from services.customers import schemas, settings
from services.customers.models import ImportJob, ImportRow

COLUMNS = tuple(name for name in schemas.CustomerUpdate().fields)   # owner_id is not importable
MAX_RECORD_CHARS = 1024 * 1024     # one row; more is an unclosed quote swallowing the file


class _EndOfPart(Exception):
    """The part's lines ran out (the csv reader may be inside a record)."""


def invalid(message, field="csv"):
    return Invalid("The import file is not valid.", {field: [message]})


def _header(names):
    header = [name.strip().lower() for name in names]
    if not any(header):
        raise invalid("The first line must be a header naming the columns.", "header")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise invalid(f"Unknown column(s): {', '.join(unknown)}. Allowed: {', '.join(COLUMNS)}.",
                      "header")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise invalid(f"Repeated column(s): {', '.join(repeated)}.", "header")
    if "name" not in header:
        raise invalid("The column 'name' is required.", "header")
    return header


def open_import(uow, principal):
    job = ImportJob(id=str(uuid.uuid4()), created_by=principal.user_id,
                    principal=principal.to_json(), status="uploading", total_rows=0,
                    processed_rows=0, created=0, duplicates=0, failed=0, created_at=utcnow(),
                    parts=0, records=0, lines=0, received_bytes=0, lease_until=_deadline())
    uow.session.add(job)
    uow.session.flush()
    return _state(job)


def _uploading(session, principal, job_id):
    """The caller's own job, locked (parts of one job are taken one at a time)."""
    job = session.get(ImportJob, job_id, with_for_update=True) if isinstance(job_id, str) else None
    if job is None or job.created_by != principal.user_id:
        raise NotFound(f"No import job {job_id}.", {"id": job_id})
    if job.status != "uploading":
        raise invalid(f"The import job is {job.status}, no longer taking parts.", "job")
    return job


def append_import(uow, principal, job_id, part_number, text):
    job = _uploading(uow.session, principal, job_id)
    if not isinstance(text, str):
        raise invalid("Expected the CSV file as text.")
    if not isinstance(part_number, int) or part_number < 1 or part_number > job.parts + 1:
        raise invalid(f"Part {part_number} does not follow part {job.parts}.", "part")
    if part_number <= job.parts:
        return _state(job)                   # a retried part, already taken
    job.received_bytes += len(text.encode())
    max_bytes = settings.import_max_bytes()
    if job.received_bytes > max_bytes:
        raise invalid(f"The file is larger than {max_bytes} bytes; split it.")
    _read(uow.session, job, text if job.parts else text.lstrip("\ufeff"), final=False)
    job.parts, job.lease_until = part_number, _deadline()
    return _state(job)


def close_import(uow, principal, job_id):
    job = _uploading(uow.session, principal, job_id)
    _read(uow.session, job, "", final=True)
    if job.header is None:
        raise invalid("The first line must be a header naming the columns.", "header")
    if not job.total_rows:
        raise invalid("The file has a header but no rows.")
    job.status, job.carry, job.lease_until = "pending", None, None
    return _state(job)


def abort_import(uow, principal, job_id, reason):
    """The upload broke off: the job is failed with `reason`, its rows dropped (a transaction
    of its own: the failed part's was rolled back)."""
    job = _uploading(uow.session, principal, job_id)
    uow.session.execute(delete(ImportRow).where(ImportRow.job_id == job.id))
    job.status, job.carry, job.finished_at, job.lease_until = "failed", None, utcnow(), None
    job.error = str(reason)[:1000] if reason else "The upload broke off."
    return _state(job)


def _deadline():
    """An upload is given up (expire_stalled_uploads) if no part comes for a lease."""
    return utcnow() + timedelta(seconds=settings.import_lease_seconds())


def expire_stalled_uploads(db):
    """Uploads whose gateway went away mid-file (no part for a lease): failed, rows dropped."""
    with db.unit_of_work() as uow:
        stalled = uow.session.scalars(select(ImportJob).where(
            ImportJob.status == "uploading", ImportJob.lease_until < utcnow())).all()
        for job in stalled:
            uow.session.execute(delete(ImportRow).where(ImportRow.job_id == job.id))
            job.status, job.carry, job.finished_at, job.lease_until = "failed", None, utcnow(), None
            job.error = "The upload stopped: no part came for too long."
        return len(stalled)


def _state(job):
    return {"id": job.id, "status": job.status, "total_rows": job.total_rows, "parts": job.parts}


def _read(session, job, text, final):
    """Store the complete records of carry + text; keep the unfinished one in `carry`."""
    text = (job.carry or "") + text
    refused = characters.find(text, multiline=True)
    if refused:     # a NUL cannot even be stored as a pending row
        position, what = refused
        raise invalid(f"Line {job.lines + text.count(chr(10), 0, position) + 1}: {what} is not "
                      "allowed in a CSV file.")
    lines = list(io.StringIO(text, newline=""))
    held = [] if final or not lines or lines[-1].endswith("\n") else [lines.pop()]  # \r|\n?
    taken = [0]

    def feed():
        for line in lines:
            taken[0] += 1
            yield line
        if not final:
            raise _EndOfPart     # the reader wants more: the record goes on in the next part

    reader = csv.reader(feed())
    header = json.loads(job.header) if job.header else None
    rows, boundary = [], 0
    try:
        for record in reader:
            boundary = taken[0]
            job.records += 1
            if header is None:
                header = _header(record)
                job.header = json.dumps(header)
            elif any(cell.strip() for cell in record):     # an empty row carries no data
                rows.append(_row(job, header, record))
    except _EndOfPart:
        pass
    except csv.Error as error:
        raise invalid(f"Line {job.lines + reader.line_num}: {error}.")
    job.lines += sum(line.count("\n") for line in lines[:boundary])
    job.carry = "".join(lines[boundary:] + held) or None
    if job.carry and len(job.carry) > MAX_RECORD_CHARS:
        raise invalid(f"Line {job.lines + 1}: a row longer than {MAX_RECORD_CHARS} characters "
                      "(is a quote left open?).")
    if rows:
        job.total_rows += len(rows)
        max_rows = settings.import_max_rows()
        if job.total_rows > max_rows:
            raise invalid(f"More than {max_rows} rows; at most {max_rows} per import.")
        session.execute(insert(ImportRow), rows)


def _row(job, header, record):
    cells = dict(zip(header, record)) if len(record) == len(header) else {
        "_cell_count": len(record), "_header_count": len(header)}
    return {"job_id": job.id, "row": job.records, "status": "pending",
            "data": json.dumps(cells, ensure_ascii=False)}
