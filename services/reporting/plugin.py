"""What a domain plugin declares (services/reporting/domains/<producer>/__init__.py): everything
reporting does with one producer's events. The service's event handlers, report RPCs, the
gateway's report routes, rebuild, reconcile and the business gauges iterate over these.

Adding a producer = one package under domains/ declaring a `DOMAIN`, listed in
domains/__init__.py, plus one alembic migration for its tables.
"""
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Projection:
    """A read model: its tables and the events that feed it. `handles` is {source: {event
    type: handler(session, envelope)}}; several projections may consume the same event (each
    has its own inbox and positions, so each is rebuilt alone). `lock_first(session, envelopes)`,
    if given, is called once before the handlers of a batch's envelopes that are new to this
    projection, to lock in one go the rows they will lock one by one (rollups.lock_rows, or
    lock_values for rows held as dicts)."""
    name: str
    handles: dict
    tables: tuple
    lock_first: Callable = None

    def event_types(self):
        return [(source, event_type)
                for source, handlers in self.handles.items() for event_type in handlers]


@dataclass(frozen=True)
class Report:
    """One report: the RPC reporting answers and the gateway route that reaches it
    (GET /reports/<path>). `run(session, principal, query)` returns the report's dict; the
    schema names are resolved by the gateway as "reporting:<name>" (services/reporting/schemas.py
    exposes them)."""
    rpc: str
    run: Callable
    path: str
    query_schema: str
    response_schema: str
    summary: str
    roles: tuple = ()       # who may read it (admin too); none: everyone, scoped by its query


@dataclass(frozen=True)
class Reconciliation:
    """How the producer's own data recomputes this domain's KPIs. `methods` are the producer's
    paged reconcile RPCs (each page stamped with its event sequence); `optional` ones are read
    when the producer answers them, else listed as not reconciled; `borrowed` are (source,
    method) pairs of another producer's reconcile RPCs this domain's KPIs are also compared
    with (marketing's leads and won deals against sales' rows), read like optional ones (once,
    whichever domain names them). `expected(session, data)` and `actual(session)` return
    {kpi: Counter(key tuple → value)} over `keys` ({kpi: the key's column names});
    `checked(data, expected)` says how much was compared."""
    source: str
    methods: tuple
    keys: dict
    expected: Callable
    actual: Callable
    checked: Callable
    optional: tuple = ()
    borrowed: tuple = ()


@dataclass(frozen=True)
class Domain:
    """One producer, as reporting sees it. `snapshot(session)`: headline counts compared before
    and after a rebuild; `gauges(session, seen, today)`: sets its Prometheus business gauges."""
    name: str
    projections: tuple
    reports: tuple = ()
    reconciliation: Reconciliation = None
    snapshot: Callable = None
    gauges: Callable = None
