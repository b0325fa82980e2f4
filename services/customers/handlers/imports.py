"""CSV import, part 1: accept the file (header checked, rows stored) and report progress.

The rows are worked through later by `import_runner` on a timer, so a large file never holds
an RPC open and a crash resumes where the last committed batch ended.
"""
import csv
import io
import json
import uuid

from sqlalchemy import insert, select

from services.chassis import characters
from services.chassis.errors import Invalid, NotFound
from services.chassis.models import utcnow
from services.customers import schemas, settings
from services.customers.models import ImportJob, ImportRow

COLUMNS = tuple(name for name in schemas.CustomerUpdate().fields)   # owner_id is not importable
MAX_ERRORS_SHOWN = 1000


def _invalid(message, field="csv"):
    return Invalid("The import file is not valid.", {field: [message]})


def _header(names):
    header = [name.strip().lower() for name in names]
    if not any(header):
        raise _invalid("The first line must be a header naming the columns.", "header")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise _invalid(f"Unknown column(s): {', '.join(unknown)}. Allowed: {', '.join(COLUMNS)}.",
                       "header")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise _invalid(f"Repeated column(s): {', '.join(repeated)}.", "header")
    if "name" not in header:
        raise _invalid("The column 'name' is required.", "header")
    return header


def parse(csv_text):
    """(header, [(row number, cells dict | None if the cell count is wrong, cell count)])."""
    if not isinstance(csv_text, str):
        raise _invalid("Expected the CSV file as text.")
    max_bytes = settings.import_max_bytes()
    if len(csv_text.encode()) > max_bytes:
        raise _invalid(f"The file is larger than {max_bytes} bytes; split it.")
    refused = characters.find(csv_text, multiline=True)
    if refused:     # refused in the whole file: a NUL cannot even be stored as a pending row
        position, what = refused
        raise _invalid(f"Line {csv_text.count(chr(10), 0, position) + 1}: {what} is not "
                       "allowed in a CSV file.")
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff"), newline=""))
    try:
        header = _header(next(reader, []))
        rows = []
        # Numbered like a spreadsheet: header row 1, blank rows counted, a quoted multi-line
        # cell is one row.
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue                    # an empty row carries no data to lose
            cells = dict(zip(header, record)) if len(record) == len(header) else None
            rows.append((number, cells, len(record)))
    except csv.Error as error:
        raise _invalid(f"Line {reader.line_num}: {error}.")
    max_rows = settings.import_max_rows()
    if not rows:
        raise _invalid("The file has a header but no rows.")
    if len(rows) > max_rows:
        raise _invalid(f"{len(rows)} rows; at most {max_rows} per import.")
    return header, rows


def start_import(uow, principal, csv_text):
    header, rows = parse(csv_text)
    job = ImportJob(id=str(uuid.uuid4()), created_by=principal.user_id,
                    principal=principal.to_json(), status="pending", total_rows=len(rows),
                    processed_rows=0, created=0, duplicates=0, failed=0, created_at=utcnow())
    uow.session.add(job)
    uow.session.flush()
    uow.session.execute(insert(ImportRow), [
        {"job_id": job.id, "row": line, "status": "pending",
         "data": json.dumps(cells if cells is not None else {"_cell_count": count,
                                                             "_header_count": len(header)},
                            ensure_ascii=False)}
        for line, cells, count in rows])
    return {"id": job.id, "status": job.status, "total_rows": job.total_rows}


def get_import(session, principal, job_id):
    """Visible to its creator (admin: every job); anyone else gets NotFound."""
    job = session.get(ImportJob, job_id) if isinstance(job_id, str) else None
    if job is None or not (principal.is_admin or job.created_by == principal.user_id):
        raise NotFound(f"No import job {job_id}.", {"id": job_id})
    rows = session.execute(
        select(ImportRow.row, ImportRow.errors).where(
            ImportRow.job_id == job.id, ImportRow.status.in_(("failed", "duplicate")))
        .order_by(ImportRow.row).limit(MAX_ERRORS_SHOWN + 1)).all()
    errors = [{"row": row, **error} for row, text in rows[:MAX_ERRORS_SHOWN]
              for error in json.loads(text or "[]")]
    return schemas.ImportJob().dump({
        "id": job.id, "status": job.status, "total_rows": job.total_rows,
        "processed_rows": job.processed_rows, "created": job.created, "duplicates": job.duplicates,
        "failed": job.failed, "errors": errors, "errors_truncated": len(rows) > MAX_ERRORS_SHOWN,
        "created_by": job.created_by, "created_at": job.created_at, "finished_at": job.finished_at})
