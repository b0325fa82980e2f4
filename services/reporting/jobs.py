"""Rebuild and reconcile jobs: an admin asks (RPC → 202), a timer in any reporting replica or
the CLI runs it under the lease, and the row tells how it went.

Both jobs may safely run again from the start, so a job whose runner died (no heartbeat for
three lease periods) goes back to pending and is picked up again.

Requests are merged: a request while a job of its kind is pending joins it (the same id, so
the same status URL) — a rebuild widens the pending one to the union of the projections, in
registry order — so at most one of each kind waits behind the one running, however many
admins or scripts ask at once. Beyond REPORTING_MAX_QUEUED_JOBS pending jobs (the CLI's, run
in place, are not queued) a request is refused with 429 and Retry-After. The check and the
insert are serialised across processes by a row lock (`lease` row "jobs").
"""
import json
import logging
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from services.chassis.db import insert_ignoring_conflicts
from services.chassis.errors import NotFound, TooManyRequests
from services.chassis.models import utcnow
from services.reporting import lease, metrics, rebuild, reconcile, settings
from services.reporting.domains import PROJECTIONS
from services.reporting.models import Lease, ReportJob

log = logging.getLogger(__name__)

KINDS = {
    "rebuild": lambda db, fetchers, call, params, held: rebuild.rebuild(
        db, fetchers, params["projections"], held),
    "reconcile": lambda db, fetchers, call, params, held: reconcile.reconcile(
        db, fetchers, call, held),
}
LEASE_WAIT_SECONDS = 5.0


def as_dict(job):
    def when(value):
        return value.isoformat() if value else None
    return {"id": job.id, "kind": job.kind, "params": json.loads(job.params),
            "status": job.status, "requested_by": job.requested_by,
            "requested_at": when(job.requested_at), "started_at": when(job.started_at),
            "finished_at": when(job.finished_at),
            "result": json.loads(job.result) if job.result else None, "error": job.error}


def request(db, principal, kind, params, run_here=False):
    """A pending job for the timers, or the pending one this request joins (module docstring);
    run_here: already claimed by the caller (the CLI)."""
    now = utcnow()
    with db.unit_of_work(actor=principal.user_id) as uow:
        session = uow.session
        if not run_here:
            _serialise(session)
            waiting = session.scalars(select(ReportJob).where(ReportJob.status == "pending")
                                      .order_by(ReportJob.requested_at)).all()
            same = next((job for job in waiting if job.kind == kind), None)
            if same is not None and session.execute(   # still pending: not claimed meanwhile
                    update(ReportJob).where(ReportJob.id == same.id, ReportJob.status == "pending")
                    .values(params=json.dumps(_merged(kind, json.loads(same.params), params)))
                    .execution_options(synchronize_session="fetch")).rowcount == 1:
                return as_dict(same)
            if len(waiting) >= settings.max_queued_jobs():
                retry_after = max(1, round(settings.lease_seconds() / 2))
                raise TooManyRequests(
                    f"{len(waiting)} report jobs are already waiting; try again later.",
                    {"retry_after": retry_after})
        job = ReportJob(id=str(uuid.uuid4()), kind=kind, params=json.dumps(params),
                        status="running" if run_here else "pending", requested_at=now,
                        requested_by=principal.user_id, attempts=1 if run_here else 0,
                        started_at=now if run_here else None, heartbeat_at=now if run_here else None)
        session.add(job)
    return as_dict(job)


def _serialise(session):
    """Hold the "jobs" row until the commit: concurrent requests check and insert one at a time
    (PostgreSQL: its row lock; SQLite: this write takes the database's write lock first)."""
    insert_ignoring_conflicts(session, Lease, {"name": "jobs", "expires_at": 0.0}, ["name"])
    session.execute(update(Lease).where(Lease.name == "jobs")
                    .values(expires_at=Lease.expires_at))


def _merged(kind, pending, asked):
    if kind != "rebuild":
        return pending
    wanted = set(pending.get("projections", [])) | set(asked.get("projections", []))
    return {**pending, "projections": [name for name in PROJECTIONS if name in wanted]}


def get(session, job_id):
    job = session.get(ReportJob, job_id) if isinstance(job_id, str) else None
    if job is None:
        raise NotFound(f"No report job {job_id}.", {"id": job_id})
    return as_dict(job)


def _set(db, job_id, *where, **values):
    with db.unit_of_work() as uow:
        return uow.session.execute(update(ReportJob).where(ReportJob.id == job_id, *where)
                                   .values(**values)).rowcount == 1


def claim_next(db):
    """The oldest pending job, now running here; stale running jobs are requeued first."""
    stale = utcnow() - timedelta(seconds=3 * lease.ttl())
    with db.unit_of_work() as uow:
        uow.session.execute(update(ReportJob).where(
            ReportJob.status == "running", ReportJob.heartbeat_at < stale).values(status="pending"))
    with db.read_only() as session:
        candidates = list(session.scalars(select(ReportJob.id).where(ReportJob.status == "pending")
                                          .order_by(ReportJob.requested_at).limit(5)))
    for job_id in candidates:
        now = utcnow()
        if _set(db, job_id, ReportJob.status == "pending", status="running", started_at=now,
                heartbeat_at=now, attempts=ReportJob.attempts + 1):
            return job_id
    return None


def run(db, job_id, fetchers, call, lease_wait=LEASE_WAIT_SECONDS):
    """Run a claimed job to done / failed; back to pending if the lease stays busy."""
    with db.read_only() as session:
        job = session.get(ReportJob, job_id)
        kind, params = job.kind, json.loads(job.params)
    metrics.JOBS_RUNNING.labels(kind).inc()
    try:
        with lease.hold(db, lease_wait,
                        on_renew=lambda: _set(db, job_id, heartbeat_at=utcnow())) as held:
            result = KINDS[kind](db, fetchers, call, params, held)
    except lease.Busy:
        _set(db, job_id, status="pending")
        return None
    except Exception as exc:
        log.exception("report job %s (%s) failed", job_id, kind)
        message = getattr(exc, "message", None) or repr(exc)
        _set(db, job_id, status="failed", finished_at=utcnow(), error=str(message)[:2000])
        metrics.JOBS_FINISHED.labels(kind, "failed").inc()
        return None
    finally:
        metrics.JOBS_RUNNING.labels(kind).dec()
    _set(db, job_id, status="done", finished_at=utcnow(), result=json.dumps(result))
    metrics.JOBS_FINISHED.labels(kind, "done").inc()
    return result
