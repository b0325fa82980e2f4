"""The ad-hoc report (GET /reports/analytics/adhoc): chosen measures over one fact source,
grouped by chosen dimensions (and the period of a date, local in `tz`), filtered, scoped like
every report (a rep: their own records; a manager: the team's; admin: all — per source, see
sources.py), paged by limit / offset. Names are checked against the source's whitelist: an
unknown or unavailable one is a 422 naming the field, and nothing is read.

Money is summed exactly in cents per currency (never across currencies); rates count distinct
records, so a deal with two lines of a product counts once.
"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.chassis.errors import Forbidden, Invalid
from services.chassis.validation import load
from services.reporting import periods
from services.reporting.domains.analytics.adhoc import build
from services.reporting.domains.analytics.adhoc.schemas import FILTERS, AdhocQuery
from services.reporting.domains.analytics.adhoc.sources import NOT_AVAILABLE, SOURCES
from services.reporting.domains.identity.queries import names
from services.reporting.domains.marketing.models import CampaignFact
from services.reporting.domains.sales.queries import cuts as sales_cuts

CENT = Decimal("0.01")


def adhoc(session, principal, query, now=None):
    query = load(AdhocQuery, query or {})
    spec, period = validated(principal, query, now)
    rows = session.execute(build.statement(spec, spec.source.scope(session, principal)))
    found = sorted(aggregate(spec, rows, query["tz"], query["granularity"]), key=_order)
    page = found[query["offset"]:query["offset"] + query["limit"]]
    return {"source": spec.source.name, "measures": list(spec.measures),
            "dimensions": query["dimension"], "filters": spec.filters, "dated_by": spec.dated_by,
            "period": period.as_dict() if period else None, "notes": spec.source.notes,
            "not_available": NOT_AVAILABLE, "total": len(found),
            "rows": label(session, spec, page)}


def validated(principal, query, now=None):
    """(Spec, Period or None) — or Invalid with every wrong field named, Forbidden for a
    source the caller's role may not read."""
    source = SOURCES[query["source"]]
    if source.roles and not principal.is_admin and principal.role not in source.roles:
        raise Forbidden(f"The role '{principal.role}' may not read the {source.name} facts.",
                        {"source": source.name})
    errors = {}

    def wrong(field, message):
        errors.setdefault(field, []).append(message)
    for name in query["measure"]:
        if name not in source.measures:
            wrong("measure", f"'{name}' is not a measure of {source.name}; one of: "
                  + ", ".join(source.measures) + ".")
    for name in query["dimension"]:
        if name in NOT_AVAILABLE:
            wrong("dimension", f"'{name}' is not available: {NOT_AVAILABLE[name]}.")
        elif name != "period" and name not in source.dimensions:
            wrong("dimension", f"'{name}' is not a dimension of {source.name}; one of: "
                  + ", ".join((*source.dimensions, *(("period",) if source.dates else ()))) + ".")
    for name in FILTERS:
        if name in query and name not in source.dimensions:
            wrong(name, f"{source.name} cannot be filtered by {name}.")
    dated_by = query.get("dated_by") or next(iter(source.dates), None)
    dated = "period" in query["dimension"] or "from_" in query or "to" in query
    if dated_by is not None and dated_by not in source.dates:
        wrong("dated_by", f"{source.name} has no {dated_by} date; one of: "
              + ", ".join(source.dates) + ".")
    elif dated and not source.dates:
        wrong("dimension" if "period" in query["dimension"] else "from",
              f"{source.name} has no date to read a period from.")
    if errors:
        raise Invalid("The request is not valid.", errors)
    period = periods.period(query, now=now) if "from_" in query or "to" in query else None
    spec = build.Spec(source, tuple(query["measure"]),
                      tuple(name for name in query["dimension"] if name != "period"),
                      {name: query[name] for name in FILTERS if name in query},
                      dated_by if source.dates else None,
                      period.utc_bounds() if period else None, "period" in query["dimension"])
    return spec, period


def aggregate(spec, rows, tz, granularity):
    """One dict per group: its key's values and each measure's figure."""
    zone = ZoneInfo(tz)
    labeller = periods.Period(date.min, date.min, tz, granularity).label_of_day
    groups = {}
    for row in rows.mappings():
        key = {name: row[name] for name in spec.dimensions}
        if spec.by_period:
            key = {"period": labeller(row[build.AT].astimezone(zone).date()).isoformat(), **key}
        if spec.money:
            key["currency"] = row[build.CURRENCY]
        sums = groups.setdefault(tuple(key.items()), {})
        for name in spec.measures:
            _accumulate(spec.source.measures[name], sums.setdefault(name, [set(), set(), 0, 0]),
                        row, name)
    return [{**dict(key), **{name: _figure(spec.source.measures[name], sums[name])
                             for name in spec.measures}} for key, sums in groups.items()]


def _accumulate(measure, sums, row, name):
    """sums: [ids counted, ids in the numerator, total, values summed]."""
    record = row[build.ID]
    if measure.kind == "count":
        sums[0].add(record)
    elif measure.kind == "rate":
        value = row[build.measure_input(name)]
        if measure.denominator is None or value in measure.denominator:
            sums[0].add(record)
            if value in measure.numerator:
                sums[1].add(record)
    else:
        value = row[build.measure_input(name)]
        if value is not None:
            sums[2] += value
            sums[3] += 1


def _figure(measure, sums):
    counted, hits, total, values = sums
    if measure.kind == "count":
        return len(counted)
    if measure.kind == "rate":
        return round(len(hits) / len(counted), 4) if counted else None
    if measure.kind == "sum":
        return _cents(total) if measure.money else total
    if not values:
        return None
    mean = Decimal(total) / values
    return _cents(mean) if measure.money else float(round(mean, 2))


def _cents(cents):
    return str((Decimal(cents) / 100).quantize(CENT, ROUND_HALF_UP))


def _order(row):
    return [(value is None, str(value) if value is not None else "")
            for name, value in row.items() if not name.startswith("_")]


def label(session, spec, rows):
    """`<dimension>_name` beside the ids of people, products and campaigns."""
    for name in spec.dimensions:
        kind = spec.source.dimensions[name].labelled
        ids = [row[name] for row in rows if row[name] is not None]
        if kind == "user":
            found = names(session, ids)
        elif kind == "product":
            found = {row["product_id"]: row["product_name"] for row in sales_cuts.label_products(
                session, [{"product_id": id_} for id_ in set(ids)], ["product_id"])}
        elif kind == "campaign":
            found = dict(session.execute(select(CampaignFact.id, CampaignFact.name)
                                         .where(CampaignFact.id.in_(ids))).all()) if ids else {}
        else:
            continue
        for row in rows:
            row[f"{name}_name"] = found.get(row[name])
    return rows
