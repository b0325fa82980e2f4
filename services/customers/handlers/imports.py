"""CSV import, part 1: accept the file (header checked, rows stored: import_upload) and report
progress and every row's outcome.

The rows are worked through later by `import_runner` on a timer, so a large file never holds
an RPC open and a crash resumes where the last committed batch ended.
"""
import json

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import NotFound
from services.chassis.validation import load, shared
from services.customers import schemas
from services.customers.handlers import import_upload
from services.customers.models import ImportJob, ImportRow

MAX_ERRORS_SHOWN = 1000


def start_import(uow, principal, csv_text):
    """A whole file at once: the upload's three steps in one transaction."""
    job = import_upload.open_import(uow, principal)
    import_upload.append_import(uow, principal, job["id"], 1, csv_text)
    return import_upload.close_import(uow, principal, job["id"])


def _visible(session, principal, job_id):
    """Its creator's (admin: every job's); anyone else gets NotFound."""
    job = session.get(ImportJob, job_id) if isinstance(job_id, str) else None
    if job is None or not (principal.is_admin or job.created_by == principal.user_id):
        raise NotFound(f"No import job {job_id}.", {"id": job_id})
    return job


def get_import(session, principal, job_id):
    job = _visible(session, principal, job_id)
    rows = session.execute(
        select(ImportRow.row, ImportRow.errors).where(
            ImportRow.job_id == job.id, ImportRow.status.in_(("failed", "duplicate")))
        .order_by(ImportRow.row).limit(MAX_ERRORS_SHOWN + 1)).all()
    errors = [{"row": row, **error} for row, text in rows[:MAX_ERRORS_SHOWN]
              for error in json.loads(text or "[]")]
    return shared(schemas.ImportJob).dump({
        "id": job.id, "status": job.status, "total_rows": job.total_rows,
        "processed_rows": job.processed_rows, "created": job.created, "duplicates": job.duplicates,
        "failed": job.failed, "errors": errors, "errors_truncated": len(rows) > MAX_ERRORS_SHOWN,
        "error": job.error, "created_by": job.created_by, "created_at": job.created_at,
        "finished_at": job.finished_at})


def list_import_rows(session, principal, job_id, query):
    """One status's rows of a job in row order, a page at a time (the report of every row)."""
    job = _visible(session, principal, job_id)
    query = load(schemas.ImportRowsQuery, query or {})
    limit = pagination.page_size(query.get("limit"))
    scope = f"import-rows:{job.id}:{query['status']}"
    statement = select(ImportRow).where(ImportRow.job_id == job.id,
                                        ImportRow.status == query["status"])
    if query.get("cursor"):
        statement = statement.where(ImportRow.row > int(pagination.decode_cursor(query["cursor"],
                                                                                  scope)))
    rows = session.scalars(statement.order_by(ImportRow.row).limit(limit + 1)).all()
    items = [{"row": row.row, "status": row.status, "customer_id": row.customer_id,
              "cells": json.loads(row.data), "errors": json.loads(row.errors or "[]")}
             for row in rows[:limit]]
    more = len(rows) > limit
    return {"items": shared(schemas.ImportRowReport).dump(items, many=True),
            "next_cursor": pagination.encode_cursor(rows[limit - 1].row, scope) if more else None}
