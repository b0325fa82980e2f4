"""Rebuild projections from zero by replaying the producers' event logs — BESIDE the live read
models, which keep answering the reports, complete, until the rebuilt ones replace them in one
transaction (shadow.py: where the shadow lives and why a copy in one transaction).

    python -m services.reporting.rebuild [<projection> ...|all]     (projections: domains/)

Under the lease (no catch-up runs meanwhile, in any process):

1. replay: a fresh shadow gets each source's log, from the start up to its head as found just
   before, applied to the named projections alone through the usual catch-up (consumer.py),
   with the shadow's own inbox and positions; then once more up to the head as it is then
   (live traffic went on meanwhile, and the live consumer kept applying it to the live tables);
2. fence: the live path now leaves these projections' events alone (inbox.fenced) — they are
   not lost: they are in the log above the shadow's position, and step 4 applies them;
3. switch, in one transaction on the live database: first the live consumers are waited for
   and held off (PostgreSQL: the inbox table locked as for any projection reset; SQLite: the
   write lock); then every event the live tables have applied for these projections must be
   in the shadow's inbox — a live transaction that began before the fence may have applied one
   more: then the transaction is dropped, the shadow catches up to it, and the switch is tried
   again (the fence makes this end). Then the shadow's tables replace the live ones, and its
   inbox rows and positions replace these projections' (the others' are not touched), and the
   fence is lifted. No event is lost (the live ones are all in the shadow) or doubled (the
   inbox rows come with the tables they describe);
4. catch up the live database from the new positions: the events that came while fenced.

A failed rebuild leaves the live tables as they were; the shadow is dropped either way.
"""
import logging
import time

from sqlalchemy import and_, func, select, text

from services.chassis.errors import Conflict, Invalid
from services.reporting import consumer, inbox, shadow
from services.reporting.domains import DOMAINS, PROJECTIONS, event_types, tables
from services.reporting.models import ProjectionInbox, ProjectionPosition

log = logging.getLogger(__name__)
SWITCH_ATTEMPTS = 10        # each retry only waits for live transactions begun before the fence


def expand(names):
    names = list(names or ["all"])
    unknown = sorted(set(names) - set(PROJECTIONS) - {"all"})
    if unknown:
        raise Invalid("The request is not valid.", {"projections": [
            f"Unknown projection(s) {', '.join(unknown)}; choose from "
            f"{', '.join(PROJECTIONS)} or all."]})
    return list(PROJECTIONS) if "all" in names else [n for n in PROJECTIONS if n in names]


def check_logs_complete(fetchers, sources):
    """Refuse before clearing anything if a producer is unreachable or has purged the start of
    its log (OUTBOX_RETENTION_DAYS): a replay from zero would then lose history."""
    for source in sources:
        first = fetchers[source](0, 1)
        if first and first[0]["sequence"] != 1:
            raise Conflict(f"The {source} event log starts at sequence {first[0]['sequence']} "
                           "(older events were purged); a rebuild would lose them.",
                           {"source": source})


def log_head(fetch):
    """The producer's last sequence now, in O(log n) one-event reads: its sequences are gapless,
    so "an event follows position p" is true exactly for p below the head."""
    if not fetch(0, 1):
        return 0
    low, high = 0, 1                       # an event follows low; does one follow high?
    while fetch(high, 1):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fetch(middle, 1) else (low, middle)
    return high


def missing_from_shadow(connection, names):
    """{source: highest sequence} of the events the live tables applied for `names` that the
    shadow has not (none above its position means none: it has every event up to it)."""
    live = ProjectionInbox.__table__.alias("live")        # the same table names: aliased
    theirs = shadow.shadow_of(ProjectionInbox.__table__).alias("theirs")
    position = shadow.shadow_of(ProjectionPosition.__table__).alias("position")
    query = (select(live.c.source, func.max(live.c.sequence))
             .select_from(live.outerjoin(position, and_(
                 position.c.projection == live.c.projection, position.c.source == live.c.source)))
             .where(live.c.projection.in_(names),
                    live.c.sequence > func.coalesce(position.c.last_sequence, 0),
                    ~select(theirs.c.event_id).where(theirs.c.projection == live.c.projection,
                                                     theirs.c.event_id == live.c.event_id)
                    .exists())
             .group_by(live.c.source))
    return dict(connection.execute(query).all())


def switch(held, copy, names):
    """Step 3 (see the docstring): {} once switched, else {source: the sequence the shadow
    must reach first} (nothing changed)."""
    held.renew(force=True)                  # still ours: no catch-up can be running
    with copy.beside_live() as connection:
        if copy.postgres:
            connection.execute(text("LOCK TABLE projection_inbox IN SHARE ROW EXCLUSIVE MODE"))
        inbox.unfence(connection, names)    # on SQLite this write takes the write lock first
        missing = missing_from_shadow(connection, names)
        if missing:
            return missing
        shadow.copy_over(connection, tables(names), names)
        connection.commit()
    return {}


def snapshot(db):
    """Headline numbers of every domain, to compare before and after a rebuild."""
    with db.read_only() as session:
        return {name: value for domain in DOMAINS if domain.snapshot
                for name, value in domain.snapshot(session).items()}


def rebuild(db, fetchers, names, held, page_size=None):
    """Rebuild `names` beside the live tables and switch (with the lease `held`)."""
    names = expand(names)
    sources = sorted(event_types(names))
    fetchers = {source: fetchers[source] for source in sources}
    check_logs_complete(fetchers, sources)
    before = snapshot(db)
    heads = {source: log_head(fetchers[source]) for source in sources}
    applied = dict.fromkeys(sources, 0)
    copy = shadow.Shadow(db.engine)
    try:
        built = copy.create()

        def replay(until):
            started = time.monotonic()
            for source, (count, _position) in consumer.catch_up_sources(
                    built, {source: fetchers[source] for source in until}, held,
                    stop_on_error=True, page_size=page_size, until=until, only=names,
                    replaying=True).items():
                applied[source] += count
            log.info("rebuild of %s: the shadow replayed up to %s in %.1f s", names, until,
                     time.monotonic() - started)
        replay(heads)
        replay({source: log_head(fetch) for source, fetch in fetchers.items()})
        inbox.fence(db, names)
        for _attempt in range(SWITCH_ATTEMPTS):
            missing = switch(held, copy, names)
            if not missing:
                break
            log.info("rebuild of %s: the live tables applied events the shadow has not yet "
                     "(%s); catching up and switching again", names, missing)
            replay(missing)
        else:
            raise Conflict(f"The rebuilt projections ({', '.join(names)}) could not catch up "
                           "with live events; nothing was switched. Try again.")
        switched = inbox.positions(db, names)
    finally:
        with db.unit_of_work() as uow:
            inbox.unfence(uow.session, names)
        copy.close()
    caught_up = consumer.catch_up_sources(db, fetchers, held, only=names, page_size=page_size)
    return {"projections": names, "before": before, "after": snapshot(db),
            "sources": {source: {"applied": applied[source], "target": heads[source],
                                 "position": switched.get(source, 0),
                                 "caught_up": caught_up.get(source, (0, 0))[0]}
                        for source in sources}}


def main(argv=None):
    from services.reporting import cli       # the CLI's proxy and job runner import this module
    parser = cli.parser("rebuild", "Rebuild projections from the producers' event logs.")
    parser.add_argument("projections", nargs="*", default=["all"],
                        help=f"{', '.join(PROJECTIONS)} or all (default)")
    args = parser.parse_args(argv)
    try:
        names = expand(args.projections)
    except Invalid as error:
        parser.error(error.details["projections"][0])        # exits with status 2
    return cli.run_job("rebuild", {"projections": names}, args)


if __name__ == "__main__":
    raise SystemExit(main())
