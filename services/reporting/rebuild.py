"""Rebuild projections from zero by replaying the producers' event logs.

    python -m services.reporting.rebuild [users|customers|interactions|all ...]

Under the lease (no catch-up runs meanwhile, in any process), one transaction clears the
projections' tables, forgets their event types in the inbox and resets their sources'
positions to 0; then the chassis catch-up replays each log from the start. Live events keep
arriving throughout, and none counts twice:

- applied before the clearing transaction: its effect and inbox row are cleared together, and
  the replay applies it again — once;
- applied after it: its inbox row is there when the replay reaches it — a duplicate, skipped;
- in flight during it: on PostgreSQL the clearing transaction first locks the inbox table, so
  it waits for consumers that already wrote their inbox row (their effects are then visible to
  the DELETEs) and holds off the others until it commits; on SQLite transactions never overlap.
"""
from sqlalchemy import delete, func, select, text, update

from services.chassis.errors import Conflict, Invalid
from services.chassis.models import ConsumerPosition, InboxEvent
from services.reporting import consumer
from services.reporting.models import (CustomerComposition, CustomerFact, InteractionActivity,
                                       NewCustomers, UserCopy)
from services.reporting.projections import PROJECTIONS, event_types, tables


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


def clear(db, names):
    sources = event_types(names)
    with db.unit_of_work() as uow:
        session = uow.session
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("LOCK TABLE inbox IN SHARE ROW EXCLUSIVE MODE"))
        for table in tables(names):
            session.execute(delete(table))
        for source, types in sources.items():
            session.execute(delete(InboxEvent).where(InboxEvent.source == source,
                                                     InboxEvent.event_type.in_(types)))
            session.execute(update(ConsumerPosition).where(ConsumerPosition.source == source)
                            .values(last_sequence=0, last_error=None))
    return sorted(sources)


def snapshot(db):
    """Headline numbers, to compare before and after a rebuild."""
    def total(session, column):
        return int(session.scalar(select(func.coalesce(func.sum(column), 0))))
    with db.read_only() as session:
        return {
            "users": session.scalar(select(func.count()).select_from(UserCopy)),
            "customer_facts": session.scalar(select(func.count()).select_from(CustomerFact)),
            "customers": total(session, CustomerComposition.count),
            "new_customers": total(session, NewCustomers.count),
            "interactions": total(session, InteractionActivity.count),
        }


def rebuild(db, fetchers, names, held):
    """Clear and replay `names` (with the lease `held`). Returns what was replayed."""
    names = expand(names)
    sources = sorted(event_types(names))
    check_logs_complete(fetchers, sources)
    before = snapshot(db)
    clear(db, names)
    replayed = consumer.catch_up_sources(db, {s: fetchers[s] for s in sources}, held,
                                         subs=consumer.REPLAY, stop_on_error=True)
    return {"projections": names, "before": before, "after": snapshot(db),
            "sources": {source: {"applied": applied, "position": position}
                        for source, (applied, position) in replayed.items()}}


def main(argv=None):
    from services.reporting import cli, jobs
    parser = cli.parser("rebuild", "Rebuild projections from the producers' event logs.")
    parser.add_argument("projections", nargs="*", default=["all"],
                        help=f"{', '.join(PROJECTIONS)} or all (default)")
    args = parser.parse_args(argv)
    return cli.run_job("rebuild", {"projections": expand(args.projections)}, args)


if __name__ == "__main__":
    raise SystemExit(main())
