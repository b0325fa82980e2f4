"""The projections: each owns its tables and the (source, event type)s that feed it.

Event types are not shared between projections, so rebuilding one can forget (and replay) just
its own events: the inbox rows of every other event type stay, and the replay skips those as
duplicates instead of counting them twice.
"""
from services.chassis.inbox import Subscriptions
from services.reporting.projections import (cash, customers, deals, freshness, interactions,
                                            targets, users)

PROJECTIONS = {module.NAME: module
               for module in (users, customers, interactions, deals, cash, targets)}


def _check_disjoint():
    owners = {}
    for name, module in PROJECTIONS.items():
        for source, handlers in module.HANDLES.items():
            for event_type in handlers:
                other = owners.setdefault((source, event_type), name)
                assert other == name, f"{source}.{event_type} feeds {other} and {name}"


_check_disjoint()


def event_types(names):
    """{source: [event types]} that feed the named projections."""
    found = {}
    for name in names:
        for source, handlers in PROJECTIONS[name].HANDLES.items():
            found.setdefault(source, []).extend(sorted(handlers))
    return found


def tables(names):
    return [table for name in names for table in PROJECTIONS[name].TABLES]


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
    for module in PROJECTIONS.values():
        for source, handlers in module.HANDLES.items():
            for event_type, handler in handlers.items():
                mapping.setdefault(source, {})[event_type] = _wrap(handler, replaying)
    return Subscriptions(mapping)


SUBSCRIPTIONS = subscriptions()
