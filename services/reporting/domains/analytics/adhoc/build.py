"""The ad-hoc report's SQL: one SQLAlchemy Core select over a whitelisted source (sources.py) —
the record id, the chosen dimensions, each measure's input column, the currency with a money
measure, and the date a period is read from — scoped, filtered and bounded. Every column comes
from the whitelist; the request only picks names from it and gives filter values (bound
parameters). Grouping is done on these rows by report.py, where periods are labelled in the
caller's time zone exactly as every other report labels them (one way on SQLite and PostgreSQL).
"""
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select

from services.reporting.domains.analytics.adhoc.sources import LINES

ID, AT, CURRENCY = "_id", "_at", "_currency"


@dataclass(frozen=True)
class Spec:
    """A validated ad-hoc request: names checked against its source."""
    source: object
    measures: tuple
    dimensions: tuple             # without "period"
    filters: dict                 # dimension → values
    dated_by: str = None
    bounds: tuple = None          # [first, last) epoch seconds, or None: all dates
    by_period: bool = False

    @property
    def money(self):
        return any(self.source.measures[name].money for name in self.measures)

    @property
    def joins(self):
        named = set(self.dimensions) | set(self.filters)
        return [join for join in self.source.joins
                if any(self.source.dimensions[name].join == join for name in named)]


def measure_input(name):
    return f"_m_{name}"


def statement(spec, scope_condition):
    source = spec.source
    model = source.model
    joins = spec.joins
    columns = [model.id.label(ID)]
    columns += [source.dimensions[name].column.label(name) for name in spec.dimensions]
    for name in spec.measures:
        measure = source.measures[name]
        if measure.column is None:
            continue
        column = measure.column
        if measure.money and LINES in joins and source.line_amount is not None:
            column = source.line_amount         # a product's share: its line totals
        columns.append(column.label(measure_input(name)))
    if spec.money:
        columns.append(source.currency.label(CURRENCY))
    date = source.dates.get(spec.dated_by) if spec.dated_by else None
    if date is not None:
        columns.append(date.label(AT))
    query = select(*columns).select_from(model)
    for join in joins:
        table, on = source.joins[join]
        # lines: inner (a product cut reads the deal's lines, as the sales reports do); the
        # others outer (a record without its customer or owner copy counts under null)
        query = query.join(table, on) if join == LINES else query.outerjoin(table, on)
    where = [scope_condition]
    where += [source.dimensions[name].column.in_(values) for name, values in spec.filters.items()]
    if date is not None and (spec.bounds or spec.by_period):
        where.append(date.is_not(None))
    if date is not None and spec.bounds:
        first, last = spec.bounds
        where += [date >= datetime.fromtimestamp(first, timezone.utc),
                  date < datetime.fromtimestamp(last, timezone.utc)]
    if spec.money:
        where.append(source.currency.is_not(None))
    return query.where(*where)
