"""The catch-up for reporting: the chassis's `inbox.catch_up`, under the lease (lease.py) so it
never runs beside a rebuild that is resetting positions, and counting what it applies.

`fetchers` maps a source to `fetch(position, limit)` (its `events_since`): an RPC from inside
the service, a standalone proxy from the CLI commands.
"""
import logging

from sqlalchemy import event

from services.chassis import inbox
from services.chassis.metrics import EVENTS_CONSUMED
from services.reporting import lease
from services.reporting.metrics import SERVICE
from services.reporting.projections import subscriptions

log = logging.getLogger(__name__)


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


def renewing(fetch, held):
    def fetch_page(position, limit):
        held.renew()
        return fetch(position, limit)
    return fetch_page


def catch_up_sources(db, fetchers, held, subs=LIVE, stop_on_error=False):
    """Read every source's log from its position to the end. {source: (applied, position)};
    a failing source is logged and left for the next round (or raised, with stop_on_error)."""
    results = {}
    for source, fetch in fetchers.items():
        applied_total = 0
        while True:
            try:
                applied, position = inbox.catch_up(db, subs, renewing(fetch, held), source)
            except Exception:
                if stop_on_error:
                    raise
                log.warning("catch-up from %s incomplete; next round retries", source,
                            exc_info=True)
                break
            applied_total += applied
            if results.get(source, (0, None))[1] == position:
                break               # nothing further: the end of the log
            results[source] = (applied_total, position)
    return results


def catch_up_round(db, fetchers):
    """One periodic round, unless another process holds the lease (then it is doing this)."""
    try:
        with lease.hold(db) as held:
            return catch_up_sources(db, fetchers, held)
    except lease.Busy:
        log.info("catch-up skipped: another reporting process holds the lease")
        return {}
