"""The catch-up for reporting: the per-projection inbox's `catch_up` (inbox.py) over each
source, under the lease (lease.py) so it never runs beside a rebuild that is resetting
positions.

`fetchers` maps a source to `fetch(position, limit)` (its `events_since`): an RPC from inside
the service, a standalone proxy from the CLI commands.
"""
import itertools
import logging

from services.reporting import inbox, lease, settings

log = logging.getLogger(__name__)


def bounded(fetch, held, until=None):
    """`fetch` renewing the lease before each call, and blind to sequences above `until`."""
    def fetch_page(position, limit):
        held.renew()
        page = fetch(position, limit)
        return page if until is None else [event for event in page if event["sequence"] <= until]
    return fetch_page


MAX_PAGES = 20          # per inbox catch-up call


def catch_up_sources(db, fetchers, held, stop_on_error=False, page_size=None, until=None,
                     max_calls=5, only=None, replaying=False):
    """Read each source's log from its projections' positions (`only` those, if given: a
    rebuild's): up to `until[source]` if given (a rebuild's or a reconcile's fixed target),
    else until a page comes back short or after `max_calls` inbox catch-ups (a periodic round;
    the next tick goes on). Live traffic keeps extending the logs, so an open-ended chase could
    outlast any deadline. {source: (applied, lowest position)}; a failing projection is logged
    and left for the next round (or raised, with stop_on_error) once the others have gone on."""
    page_size = page_size or settings.page_size()
    results = {}
    for source, fetch in fetchers.items():
        target = (until or {}).get(source)
        fetch_page = bounded(fetch, held, target)
        applied_total, position = 0, inbox.positions(db, only).get(source, 0)
        for _call in (range(max_calls) if target is None else itertools.count()):
            started = position
            try:
                applied, position = inbox.catch_up(db, fetch_page, source, page_size=page_size,
                                                   max_pages=MAX_PAGES, only=only,
                                                   replaying=replaying)
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
