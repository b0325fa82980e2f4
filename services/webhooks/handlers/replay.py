"""Replay: re-deliver a past range of the producers' event logs to one subscription.

An admin asks for a sequence range of one producer's log, or a time range (of one producer or
of every producer the subscription's types come from); one job per producer is queued, and the
sender's timer reads the log through the producer's `events_since` RPC page by page. Each
matching event becomes a NEW delivery (replay_id = the job) with the original event's id as
its webhook-id, so a receiver that already has it can drop it. A page's deliveries and the
job's position commit together, and a delivery is unique per (subscription, event, job), so a
job resumed after a crash re-reads at most one page and delivers nothing twice."""
import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from services.chassis.db import insert_ignoring_conflicts
from services.chassis.models import utcnow
from services.chassis.periodic import claim
from services.chassis.validation import load
from services.webhooks import catalog, schemas, settings
from services.webhooks.handlers.recording import delivery
from services.webhooks.handlers.subscriptions import find, types_of
from services.webhooks.models import DONE, QUEUED, RUNNING, ReplayJob, new_id

log = logging.getLogger(__name__)
JOB = schemas.ReplayJob()
# Events are stamped in commit order, but clocks of several replicas may disagree a little:
# a time-range replay reads this far past `until` before it stops.
CLOCK_MARGIN = timedelta(minutes=5)
LEASE = timedelta(minutes=2)
PAGES_PER_ROUND = 20


def dump(job):
    return JOB.dump({column.key: getattr(job, column.key) for column in ReplayJob.__table__.columns})


def request_replay(uow, subscription_id, data, now=None):
    values = load(schemas.ReplayRequest, data)
    subscription = find(uow.session, subscription_id)
    now = now or utcnow()
    sources = ([values["source"]] if values.get("source")
               else catalog.sources_for(types_of(subscription)))
    jobs = []
    for source in sources:
        start = values.get("from_sequence") or 1
        job = ReplayJob(id=new_id(), subscription_id=subscription.id, source=source,
                        from_sequence=start, to_sequence=values.get("to_sequence"),
                        since=values.get("since"), until=values.get("until"), position=start - 1,
                        status=QUEUED, deliveries=0, created_at=now)
        uow.session.add(job)
        jobs.append(job)
    uow.session.flush()
    return [dump(job) for job in jobs]


def list_replays(session, subscription_id):
    subscription = find(session, subscription_id)
    return [dump(job) for job in session.scalars(
        select(ReplayJob).where(ReplayJob.subscription_id == subscription.id)
        .order_by(ReplayJob.created_at.desc(), ReplayJob.id))]


def run_replays(db, fetch, now=None):
    """Advance every open job whose lease is free; `fetch(source, after, limit)` is the
    producer's events_since. Returns the deliveries queued."""
    now = now or utcnow()
    with db.read_only() as session:
        ids = list(session.scalars(select(ReplayJob.id).where(
            ReplayJob.status.in_((QUEUED, RUNNING)),
            or_(ReplayJob.lease_until.is_(None), ReplayJob.lease_until <= now))))
    queued = 0
    for job_id in ids:
        with db.unit_of_work() as uow:
            if not claim(uow.session, ReplayJob, ReplayJob.id == job_id,
                         ReplayJob.status.in_((QUEUED, RUNNING)),
                         or_(ReplayJob.lease_until.is_(None), ReplayJob.lease_until <= now),
                         status=RUNNING, lease_until=now + LEASE):
                continue
        try:
            queued += _advance(db, job_id, fetch, now)
        except Exception as exc:
            log.warning("replay %s: the producer's log could not be read; next round retries",
                        job_id, exc_info=True)
            with db.unit_of_work() as uow:
                job = uow.session.get(ReplayJob, job_id)
                job.last_error, job.lease_until = repr(exc)[:500], now
    return queued


def _advance(db, job_id, fetch, now):
    queued, size = 0, settings.replay_page()
    for _ in range(PAGES_PER_ROUND):
        with db.read_only() as session:
            job = session.get(ReplayJob, job_id)
            wanted = set(types_of(find(session, job.subscription_id)))
            source, position = job.source, job.position
        page = fetch(source, position, size)
        with db.unit_of_work() as uow:
            job = uow.session.get(ReplayJob, job_id)
            finished, page_queued = len(page) < size, 0
            for envelope in page:
                if _past_the_end(job, envelope):
                    finished = True
                    break
                job.position = envelope["sequence"]
                if envelope["event_type"] in wanted and _in_time_range(job, envelope):
                    page_queued += _queue(uow.session, job, envelope, now)
            job.deliveries += page_queued
            queued += page_queued
            if finished:
                job.status, job.finished_at, job.lease_until = DONE, now, None
            else:
                job.lease_until = now + LEASE
        if finished:
            return queued
    with db.unit_of_work() as uow:
        uow.session.get(ReplayJob, job_id).lease_until = now       # the next round continues
    return queued


def _queue(session, job, envelope, now):
    """A new delivery marked as this job's replay; 0 if this job already queued the event."""
    row = delivery(job.subscription_id, envelope, now, replay_id=job.id)
    values = {column.key: getattr(row, column.key) for column in row.__table__.columns}
    return insert_ignoring_conflicts(session, type(row), values,
                                     ("subscription_id", "event_id", "replay_id")).rowcount


def _past_the_end(job, envelope):
    if job.to_sequence is not None and envelope["sequence"] > job.to_sequence:
        return True
    occurred = datetime.fromisoformat(envelope["occurred_at"])
    return job.until is not None and occurred >= job.until + CLOCK_MARGIN


def _in_time_range(job, envelope):
    occurred = datetime.fromisoformat(envelope["occurred_at"])
    return ((job.since is None or occurred >= job.since)
            and (job.until is None or occurred < job.until))
