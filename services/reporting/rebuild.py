"""Rebuild projections from zero by replaying the producers' event logs.

    python -m services.reporting.rebuild [<projection> ...|all]     (projections: domains/)

Under the lease (no catch-up runs meanwhile, in any process), one transaction clears the
projections' tables, their inbox rows and their positions (inbox.py keeps both per
projection: the other projections, even those fed by the same events, are not touched); then
the catch-up replays each of their sources' logs into them alone, from the start up to its
head as found just before (or the highest sequence that transaction forgot, if higher), so it
ends however fast producers keep writing: later events come live or with the next periodic
catch-up, as always. Live events keep arriving throughout, and none counts twice:

- applied before the clearing transaction: its effect and inbox row are cleared together, and
  the replay applies it again — once;
- applied after it: its inbox row is there when the replay reaches it — a duplicate, skipped;
- in flight during it: on PostgreSQL the clearing transaction first locks the inbox table, so
  it waits for consumers that already wrote their inbox row (their effects are then visible to
  the DELETEs) and holds off the others until it commits; on SQLite transactions never overlap.
"""
from sqlalchemy import delete, func, select, text

from services.chassis.errors import Conflict, Invalid
from services.reporting import consumer, inbox
from services.reporting.domains import DOMAINS, PROJECTIONS, event_types, tables
from services.reporting.models import ProjectionInbox


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


def clear(db, names):
    """One transaction. Returns {source: the highest sequence it forgot}: every cleared effect
    came from an event at or below it, so the replay must reach at least that far."""
    targets = {}
    with db.unit_of_work() as uow:
        session = uow.session
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("LOCK TABLE projection_inbox IN SHARE ROW EXCLUSIVE MODE"))
        for table in tables(names):
            session.execute(delete(table))
        sources = sorted(event_types(names))
        for source in sources:
            forgotten = (ProjectionInbox.projection.in_(names), ProjectionInbox.source == source)
            targets[source] = session.scalar(
                select(func.coalesce(func.max(ProjectionInbox.sequence), 0)).where(*forgotten))
            session.execute(delete(ProjectionInbox).where(*forgotten))
        inbox.reset(session, names, sources)
    return targets


def snapshot(db):
    """Headline numbers of every domain, to compare before and after a rebuild."""
    with db.read_only() as session:
        return {name: value for domain in DOMAINS if domain.snapshot
                for name, value in domain.snapshot(session).items()}


def rebuild(db, fetchers, names, held, page_size=None):
    """Clear and replay `names` (with the lease `held`). Returns what was replayed."""
    names = expand(names)
    sources = sorted(event_types(names))
    check_logs_complete(fetchers, sources)
    before = snapshot(db)
    heads = {source: log_head(fetchers[source]) for source in sources}
    targets = {source: max(forgotten, heads[source])
               for source, forgotten in clear(db, names).items()}
    replayed = consumer.catch_up_sources(db, {s: fetchers[s] for s in sources}, held,
                                         stop_on_error=True, page_size=page_size,
                                         until=targets, only=names, replaying=True)
    return {"projections": names, "before": before, "after": snapshot(db),
            "sources": {source: {"applied": applied, "position": position,
                                 "target": targets[source]}
                        for source, (applied, position) in replayed.items()}}


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
