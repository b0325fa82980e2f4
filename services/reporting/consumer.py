"""The catch-up for reporting: each source's log read once for every projection that consumes
it, from the lowest of their positions, through the per-projection inbox (inbox.py); under the
lease (lease.py) so it never runs beside a rebuild that is resetting positions. A page goes in
one transaction; if it fails it is applied again one (event, projection) per transaction, so a
failing event stops only its projection, right before it (with `last_error`).

`fetchers` maps a source to `fetch(position, limit)` (its `events_since`): an RPC from inside
the service, a standalone proxy from the CLI commands.
"""
import itertools
import logging

from sqlalchemy import event, select

from services.chassis.metrics import EVENTS_CONSUMED
from services.reporting import inbox, lease, metrics, settings
from services.reporting.metrics import SERVICE
from services.reporting.models import ReportJob

log = logging.getLogger(__name__)


def bounded(fetch, held, until=None):
    """`fetch` renewing the lease before each call, and blind to sequences above `until`."""
    def fetch_page(position, limit):
        held.renew()
        page = fetch(position, limit)
        return page if until is None else [event for event in page if event["sequence"] <= until]
    return fetch_page


MAX_PAGES = 20          # per catch_up call


def _count(source, envelope, outcome):
    EVENTS_CONSUMED.labels(SERVICE, source, envelope["event_type"], outcome).inc()


def _apply_page(db, source, page, current, replaying):
    """The page in one transaction, positions included. Returns the number applied, or None if
    an effect failed (nothing of the page is then applied)."""
    try:
        with db.unit_of_work(actor=f"event:{source}") as uow:
            outcomes = inbox.apply_in(uow, page, current, set(current), replaying)
            inbox.save_positions(uow.session, source, {name: page[-1]["sequence"] for name in current})

            @event.listens_for(uow.session, "after_commit", once=True)
            def _counted(_session):
                for envelope, outcome in zip(page, outcomes):
                    if outcome == inbox.PROCESSED:
                        _count(source, envelope, inbox.PROCESSED)
    except Exception as exc:
        log.info("a page of %s events from %s failed as a whole (%r); applying it event by "
                 "event, projection by projection", len(page), source, exc)
        return None
    return outcomes.count(inbox.PROCESSED)


def _apply_one(db, source, envelope, name, replaying):
    """One event to one projection, its position moved in the same transaction."""
    with db.unit_of_work(actor=f"event:{source}") as uow:
        outcome = inbox.apply_in(uow, [envelope], {}, {name}, replaying)[0]
        inbox.save_positions(uow.session, source, {name: envelope["sequence"]}, {name: None})
    return outcome


def _apply_singly(db, source, page, current, failed, replaying):
    """The page one (event, projection) per transaction. A failing projection stops right
    before the failing event (`failed`: {projection: exception}); the others go on."""
    applied = 0
    for envelope in page:
        for name in [n for n in current if n not in failed]:
            if envelope["sequence"] <= current[name]:
                continue
            try:
                outcome = _apply_one(db, source, envelope, name, replaying)
            except Exception as exc:
                log.exception("catch-up of %s from %s stopped at sequence %s", name, source,
                              envelope["sequence"])
                _count(source, envelope, inbox.FAILED)
                with db.unit_of_work() as uow:
                    inbox.save_positions(uow.session, source, {name: current[name]},
                                    {name: f"{envelope['sequence']}: {exc!r}"})
                failed[name] = exc
                continue
            current[name] = envelope["sequence"]
            if outcome == inbox.PROCESSED:
                applied += 1
                _count(source, envelope, inbox.PROCESSED)
    return applied


def catch_up(db, fetch_page, source, page_size=500, max_pages=20, only=None, replaying=False):
    """Read `source`'s log once for every projection that consumes it (`only` those, if given),
    from the lowest of their positions; apply; advance each. Returns (applied, position): the
    events applied by at least one projection, and the lowest position reached. Raises the
    first failure after the others have gone as far as they could."""
    names = [name for name in inbox.consumers(source) if only is None or name in only]
    known = inbox.projection_positions(db, source)
    current = {name: known.get((name, source), 0) for name in names}
    failed, applied = {}, 0
    for _ in range(max_pages):
        reading = {name: sequence for name, sequence in current.items() if name not in failed}
        if not reading:
            break
        page = fetch_page(min(reading.values()), page_size)
        if not page:
            break
        done = _apply_page(db, source, page, reading, replaying)
        if done is not None:
            applied += done
            current.update({name: max(sequence, page[-1]["sequence"])
                            for name, sequence in reading.items()})
        else:
            applied += _apply_singly(db, source, page, current, failed, replaying)
        if len(page) < page_size:
            break
    if failed:
        raise next(iter(failed.values()))
    return applied, min(current.values(), default=0)


def catch_up_sources(db, fetchers, held, stop_on_error=False, page_size=None, until=None,
                     max_calls=5, only=None, replaying=False):
    """Read each source's log from its projections' positions (`only` those, if given: a
    rebuild's): up to `until[source]` if given (a rebuild's or a reconcile's fixed target),
    else until a page comes back short or after `max_calls` inbox catch-ups (a periodic round;
    the next tick goes on). Live traffic keeps extending the logs, so an open-ended chase could
    outlast any deadline. {source: (applied, lowest position)}; a failing projection is logged
    and left for the next round (or raised, with stop_on_error) once the others have gone on."""
    page_size = page_size or settings.page_size()
    if not replaying:       # under the lease no rebuild is switching: a fence left is a crash's
        with db.unit_of_work() as uow:
            inbox.unfence(uow.session)
    results = {}
    for source, fetch in fetchers.items():
        target = (until or {}).get(source)
        fetch_page = bounded(fetch, held, target)
        applied_total, position = 0, inbox.positions(db, only).get(source, 0)
        for _call in (range(max_calls) if target is None else itertools.count()):
            started = position
            try:
                applied, position = catch_up(db, fetch_page, source, page_size=page_size,
                                                   max_pages=MAX_PAGES, only=only,
                                                   replaying=replaying)
            except Exception:
                if stop_on_error:
                    raise
                log.warning("catch-up from %s incomplete; next round retries", source,
                            exc_info=True)
                metrics.catch_up_failed(source)
                break
            applied_total += applied
            results[source] = (applied_total, position)
            if position == started or (position >= target if target is not None
                                       else position - started < page_size * MAX_PAGES):
                break           # the end of the log (a short page), or the target
    return results


def catch_up_round(db, fetchers):
    """One periodic round, unless another process holds the lease (then it is doing this) or
    a rebuild / reconcile job is waiting for it or running (it catches up itself): rounds
    that follow each other closely would otherwise keep the lease from the job for ever."""
    with db.read_only() as session:
        if session.scalar(select(ReportJob.id).where(ReportJob.status.in_(("pending", "running")))
                          .limit(1)):
            log.info("catch-up skipped: a report job goes first")
            return {}
    try:
        with lease.hold(db) as held:
            return catch_up_sources(db, fetchers, held)
    except lease.Busy:
        log.info("catch-up skipped: another reporting process holds the lease")
        return {}
