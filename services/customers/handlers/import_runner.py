"""CSV import, part 2: the worker a timer drives.

A job is claimed with a token and a lease; each batch of rows is one transaction that renews
the lease, runs the rows through create_customer's rules a batch at a time (customers_bulk:
the same outcome per row as the RPC, a few statements per batch), and commits the rows'
outcomes with the job's counters. A crash loses at most the uncommitted batch, whose rows are
still pending when the lease runs out and another worker (or this one, restarted) claims it.
"""
import json
import logging
import uuid
from datetime import timedelta

from sqlalchemy import and_, bindparam, or_, select, update

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, CrmError
from services.chassis.models import utcnow
from services.customers import settings
from services.customers.handlers import customers_bulk, import_upload
from services.customers.models import ImportJob, ImportRow

log = logging.getLogger(__name__)


class LostClaim(Exception):
    """Another worker holds the job now (our lease ran out)."""


def _lease():
    return timedelta(seconds=settings.import_lease_seconds())


def process_pending(db, batch_size=None, max_batches=50):
    """Work through claimable jobs for at most `max_batches` batches; a job left unfinished is
    released for the next round. Returns the number of batches run."""
    batch_size = batch_size or settings.import_batch_rows()
    import_upload.expire_stalled_uploads(db)
    batches = 0
    while batches < max_batches:
        claim = claim_next(db)
        if claim is None:
            break
        job_id, token = claim
        more = True
        while more and batches < max_batches:
            batches += 1
            more = run_batch(db, job_id, token, batch_size)
        if more:
            release(db, job_id, token)
    return batches


def _claimable(now):
    return or_(ImportJob.status == "pending",
               and_(ImportJob.status == "running", ImportJob.lease_until < now))


def claim_next(db):
    """(job id, claim token) of the oldest claimable job, or None. The conditional UPDATE
    lets exactly one of several replicas win each job."""
    with db.unit_of_work() as uow:
        now = utcnow()
        candidates = uow.session.scalars(select(ImportJob.id).where(_claimable(now))
                                         .order_by(ImportJob.created_at).limit(10)).all()
        for job_id in candidates:
            token = str(uuid.uuid4())
            claimed = uow.session.execute(
                update(ImportJob).where(ImportJob.id == job_id, _claimable(now))
                .values(status="running", claim=token, lease_until=now + _lease())).rowcount
            if claimed == 1:
                return job_id, token
    return None


def release(db, job_id, token):
    with db.unit_of_work() as uow:
        uow.session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.claim == token)
                            .values(status="pending", claim=None, lease_until=None))


def _hold(session, job_id, token):
    """Renew the lease (first write of the batch: it also locks the job row) or give up."""
    renewed = session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.claim == token)
                              .values(lease_until=utcnow() + _lease())).rowcount
    if renewed != 1:
        raise LostClaim(job_id)
    return session.get(ImportJob, job_id)


def run_batch(db, job_id, token, size):
    """One batch; True while rows remain. A batch that fails unexpectedly is redone a row at
    a time, so the one row that breaks is reported as failed and the rest still go in."""
    try:
        return _batch(db, job_id, token, size)
    except LostClaim:
        return False
    except Exception:
        log.exception("import %s: batch failed; retrying row by row", job_id)
    for _ in range(size):
        try:
            if not _batch(db, job_id, token, 1):
                return False
        except LostClaim:
            return False
        except Exception:
            log.exception("import %s: a row could not be stored", job_id)
            _fail_next_row(db, job_id, token)
    return True


class _Row:
    """A pending row as the batch reads it and settles it. Plain, not the mapped ImportRow:
    the batch reads three columns and writes three back with one executemany (`_store`), where
    ORM objects cost their load, their attribute tracking and the flush's bookkeeping per row
    (bench/import_batch.py, FINDINGS seventh session)."""
    __slots__ = ("row", "data", "status", "errors", "customer_id")

    def __init__(self, row, data):
        self.row, self.data = row, data
        self.status = self.errors = self.customer_id = None


_T = ImportRow.__table__.c
# The next pending rows, sought past the rows the job has settled: batches settle rows in row
# order (a batch's rows are the first pending ones, all settled in its transaction), so the
# settled rows are a prefix of the job, and rows are numbered from 1 (the header) upwards, so
# the first pending row comes after `processed_rows`. Without that bound PostgreSQL's scan of
# (job_id, status, row) starts at the job's first 'pending' entry and walks every entry a
# settled row left behind (an UPDATE adds the row's new entry and keeps the old one until
# VACUUM; the bench machine runs no autovacuum): at 900,000 settled rows 8,479 buffers and
# ~54 ms per batch, bounded 26 and ~2 ms (bench/import_batch.py --settled, bench/FINDINGS.md
# eighth session; tests/integration/customers/test_import_pending_seek.py).
_PENDING = (select(_T.row, _T.data)
            .where(_T.job_id == bindparam("job_id"), _T.status == "pending",
                   _T.row > bindparam("after"))
            .order_by(_T.row).limit(bindparam("size")))
_SETTLE = (update(ImportRow.__table__)
           .where(_T.job_id == bindparam("b_job_id"), _T.row == bindparam("b_row"))
           .values(status=bindparam("b_status"), errors=bindparam("b_errors"),
                   customer_id=bindparam("b_customer_id")))


def _pending(session, job, size):
    return [_Row(row, data) for row, data in session.execute(
        _PENDING, {"job_id": job.id, "after": job.processed_rows, "size": size})]


def _store(session, job_id, rows):
    """The settled rows' outcomes, one executemany."""
    if rows:
        session.execute(_SETTLE, [{"b_job_id": job_id, "b_row": row.row, "b_status": row.status,
                                   "b_errors": row.errors, "b_customer_id": row.customer_id}
                                  for row in rows])


def _batch(db, job_id, token, size):
    # The runner paces itself on its batch's publish: its wait for the confirms is also where
    # the service's other calls get their turn (on SQLite every statement holds the process),
    # and publishing behind it only moved the CPU into the consumers' tail (bench/FINDINGS.md,
    # thirteenth session).
    with db.unit_of_work(wait_for_publish=True) as uow:
        job = _hold(uow.session, job_id, token)
        rows = _pending(uow.session, job, size)
        if not rows:
            job.status, job.finished_at, job.claim, job.lease_until = "done", utcnow(), None, None
            return False
        principal = Principal.from_json(job.principal)
        uow.actor = principal.user_id          # the importer is the author of what it creates
        _process_rows(uow, principal, job, rows)
        _store(uow.session, job_id, rows)
        job.processed_rows += len(rows)
        return True


def _fail_next_row(db, job_id, token):
    with db.unit_of_work() as uow:
        job = _hold(uow.session, job_id, token)
        rows = _pending(uow.session, job, 1)
        for row in rows:
            _record(job, row, "failed", [{"field": None, "message":
                                          "This row could not be stored (internal error)."}])
            job.processed_rows += 1
        _store(uow.session, job_id, rows)


def _cells_to_input(cells):
    """CSV cells are text: blanks are absent fields, `size` must be a whole number."""
    data = {}
    for name, value in cells.items():
        value = value.strip()
        if value:
            data[name] = int(value) if name == "size" and value.isdigit() and value.isascii() else value
    return data


def _process_rows(uow, principal, job, rows):
    creatable, inputs = [], []
    for row in rows:
        cells = json.loads(row.data)
        if "_cell_count" in cells:
            _record(job, row, "failed", [{"field": None, "message":
                    f"The row has {cells['_cell_count']} cells; the header has "
                    f"{cells['_header_count']}."}])
        else:
            creatable.append(row)
            inputs.append(_cells_to_input(cells))
    for row, outcome in zip(creatable, customers_bulk.create_customers(uow, principal, inputs)):
        _record_outcome(job, row, outcome)


def _record_outcome(job, row, outcome):
    """A stored customer, or the error create_customer raised for the row."""
    if isinstance(outcome, Conflict):
        if "duplicate_of" not in outcome.details:
            return _record(job, row, "failed", [{"field": None, "message": outcome.message}])
        field = "email" if outcome.details["match"] == "email" else "name"
        return _record(job, row, "duplicate", [{"field": field, "message": outcome.message,
                                                "duplicate_of": outcome.details["duplicate_of"]}])
    if isinstance(outcome, CrmError):
        return _record(job, row, "failed", _field_errors(outcome))
    row.customer_id = outcome.id
    _record(job, row, "created", None)


def _field_errors(error):
    details = error.details or {}
    errors = [{"field": None if field == "_schema" else field, "message": str(message)}
              for field, messages in details.items() if isinstance(messages, list)
              for message in messages]
    return errors or [{"field": None, "message": error.message}]


def _record(job, row, status, errors):
    row.status = status
    row.errors = json.dumps(errors, ensure_ascii=False) if errors else None
    counter = {"created": "created", "duplicate": "duplicates", "failed": "failed"}[status]
    setattr(job, counter, getattr(job, counter) + 1)
