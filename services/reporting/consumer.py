"""The catch-up for reporting: the chassis's `inbox.catch_up`, under the lease (lease.py) so it
never runs beside a rebuild that is resetting positions, and counting what it applies.

`fetchers` maps a source to `fetch(position, limit)` (its `events_since`): an RPC from inside
the service, a standalone proxy from the CLI commands.
"""
import itertools
import logging

from sqlalchemy import event

from services.chassis import inbox
from services.chassis.metrics import EVENTS_CONSUMED
from services.reporting import freshness, lease, settings
from services.reporting.domains import PROJECTIONS
from services.reporting.metrics import SERVICE

log = logging.getLogger(__name__)


def _check_disjoint():
    owners = {}
    for name, projection in PROJECTIONS.items():
        for key in projection.event_types():
            other = owners.setdefault(key, name)
            assert other == name, f"{key} feeds {other} and {name}"


_check_disjoint()


def _wrap(handler, replaying):
    def apply(uow, envelope):
        # The inbox row is already written (inbox.consume_all inserts it first): on SQLite
        # that took the write lock before anything is read, on PostgreSQL it holds the inbox
        # lock that a rebuild waits for before clearing (rebuild.py).
        handler(uow.session, envelope)
        if not replaying:       # a replay re-applies old events: not news, not a lag
            freshness.record(uow.session, envelope)
    return apply


def subscriptions(replaying=False):
    mapping = {}
    for projection in PROJECTIONS.values():
        for source, handlers in projection.handles.items():
            for event_type, handler in handlers.items():
                mapping.setdefault(source, {})[event_type] = _wrap(handler, replaying)
    return inbox.Subscriptions(mapping)


SUBSCRIPTIONS = subscriptions()


def _counting(source, event_type, apply):
    def counted(uow, envelope):
        try:
            apply(uow, envelope)
        except Exception:
            EVENTS_CONSUMED.labels(SERVICE, source, event_type, inbox.FAILED).inc()
            raise
        event.listen(uow.session, "after_commit", lambda _session: EVENTS_CONSUMED.labels(
            SERVICE, source, event_type, inbox.PROCESSED).inc(), once=True)
    return counted


def counted(subs):
    """The same subscriptions, counting processed / failed events. Duplicates are not counted
    here: the catch-up re-reads what the live path already applied, by design."""
    return inbox.Subscriptions({
        source: {event_type: _counting(source, event_type, apply)
                 for event_type, apply in handlers.items()}
        for source, handlers in subs.mapping.items()})


LIVE = counted(subscriptions())
REPLAY = counted(subscriptions(replaying=True))


def bounded(fetch, held, until=None):
    """`fetch` renewing the lease before each call, and blind to sequences above `until`."""
    def fetch_page(position, limit):
        held.renew()
        page = fetch(position, limit)
        return page if until is None else [event for event in page if event["sequence"] <= until]
    return fetch_page


MAX_PAGES = 20          # per chassis catch-up call


def catch_up_sources(db, fetchers, held, subs=LIVE, stop_on_error=False, page_size=None,
                     until=None, max_calls=5):
    """Read each source's log from its position: up to `until[source]` if given (a rebuild's
    or a reconcile's fixed target), else until a page comes back short or after `max_calls`
    chassis catch-ups (a periodic round; the next tick goes on). Live traffic keeps extending
    the logs, so an open-ended chase could outlast any deadline. {source: (applied, position)};
    a failing source is logged and left for the next round (or raised, with stop_on_error)."""
    page_size = page_size or settings.page_size()
    results = {}
    for source, fetch in fetchers.items():
        target = (until or {}).get(source)
        fetch_page = bounded(fetch, held, target)
        applied_total, position = 0, inbox.positions(db).get(source, 0)
        for _call in (range(max_calls) if target is None else itertools.count()):
            started = position
            try:
                applied, position = inbox.catch_up(db, subs, fetch_page, source,
                                                   page_size=page_size, max_pages=MAX_PAGES)
            except Exception:
                if stop_on_error:
                    raise
                log.warning("catch-up from %s incomplete; next round retries", source,
                            exc_info=True)
                break
            applied_total += applied
            results[source] = (applied_total, position)
            if position == started or (position >= target if target is not None
                                       else position - started < page_size * MAX_PAGES):
                break           # the end of the log (a short page), or the target
    return results


def catch_up_round(db, fetchers):
    """One periodic round, unless another process holds the lease (then it is doing this)."""
    try:
        with lease.hold(db) as held:
            return catch_up_sources(db, fetchers, held)
    except lease.Busy:
        log.info("catch-up skipped: another reporting process holds the lease")
        return {}
