"""Sales reports: funnel (deals now by stage), win rate and revenue (deals closed in a period),
sums over the deal rollups. Scoped on the deal's owner exactly like sales scopes its lists (a
rep: own deals, a manager: the team's from the users copy, admin: all).

Money stays exact: rollups hold integer cents, answers are decimal strings per currency (sums
in different currencies are never added). Averages are quotients of the exact sums, half-up to
the cent; the sums and counts are in the row too.
"""
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from services.chassis.validation import load
from services.reporting import periods, rollups, scoping
from services.reporting.domains.sales import schemas
from services.reporting.domains.sales.models import DealOutcomes, DealStages
from services.reporting.domains.sales.queries import cuts as sales_cuts

CENT = Decimal("0.01")
DAY_SECONDS = 86400


def money(cents):
    return str((Decimal(cents) / 100).quantize(CENT))


def average(cents, count):
    return str((Decimal(cents) / 100 / count).quantize(CENT, ROUND_HALF_UP)) if count else None


def _where(session, principal, model, query, dimensions):
    filters, where = scoping.filters(model, query, dimensions)
    return filters, [scoping.scope(session, principal, model.owner_id), *where]


def funnel(session, principal, query, now=None):
    query = load(schemas.FunnelQuery, query or {})
    group_by = query["group_by"]
    filters, where = _where(session, principal, DealStages, query,
                            (*schemas.DEAL_STAGE_DIMENSIONS, "currency"))
    period = None
    if "from_" in query or "to" in query:
        period = periods.period({**query, "granularity": "total"}, now=now)
        first, last = period.utc_bounds()
        where += [DealStages.bucket >= first, DealStages.bucket < last]
    columns = [getattr(DealStages, name) for name in group_by] + [DealStages.currency]
    result = session.execute(
        select(*columns, func.sum(DealStages.count), func.sum(DealStages.amount_cents),
               func.sum(DealStages.weighted_cents)).where(*where).group_by(*columns))
    rows, totals = [], {}
    for *values, count, amount, weighted in result:
        if not count:
            continue
        currency = values[-1]
        rows.append({**{name: rollups.from_key(v) for name, v in zip(group_by, values)},
                     "currency": rollups.from_key(currency), "count": int(count),
                     "amount": money(amount), "weighted_amount": money(weighted)})
        total = totals.setdefault(currency, [0, 0, 0])
        for index, value in enumerate((count, amount, weighted)):
            total[index] += int(value)
    rows.sort(key=lambda row: [row[name] or "" for name in (*group_by, "currency")])
    return {"group_by": group_by, "filters": filters,
            "period": period.as_dict() if period else None,
            "rows": scoping.label(session, rows, group_by),
            "totals": {"count": sum(t[0] for t in totals.values()),
                       "by_currency": {rollups.from_key(c): {
                           "count": t[0], "amount": money(t[1]), "weighted_amount": money(t[2])}
                           for c, t in sorted(totals.items())}}}


def _outcomes(session, principal, query, with_currency, now=None):
    """{(period label, *group values[, currency]): {status: [count, cents, seconds]}}: from the
    outcomes rollup, or from the deal and line facts when products are asked for."""
    period = periods.period(query, now=now)
    if "product_id" in query["group_by"] or "product_id" in query:
        groups, filters = sales_cuts.product_outcomes(session, principal, query, period,
                                                      with_currency)
        return period, query["group_by"], filters, groups
    group_by = query["group_by"]
    filters, where = _where(session, principal, DealOutcomes, query, ("owner_id", "currency"))
    more_filters, owner_where = sales_cuts.owner_filters(query, DealOutcomes.owner_id)
    filters.update(more_filters)
    first, last = period.utc_bounds()
    # team and region are the owner's (users copy): grouped by owner here, mapped below
    by_owner = any(name in sales_cuts.OWNER_CUTS for name in group_by)
    columns = [DealOutcomes.owner_id] if by_owner else []
    result = session.execute(
        select(DealOutcomes.bucket, *columns, DealOutcomes.status, DealOutcomes.currency,
               func.sum(DealOutcomes.count), func.sum(DealOutcomes.amount_cents),
               func.sum(DealOutcomes.cycle_seconds))
        .where(DealOutcomes.bucket >= first, DealOutcomes.bucket < last, *where, *owner_where)
        .group_by(DealOutcomes.bucket, *columns, DealOutcomes.status, DealOutcomes.currency))
    cut = sales_cuts.owner_cut(session, group_by)
    groups = {}
    for bucket, *values, status, currency, count, cents, seconds in result:
        owner = rollups.from_key(values[0]) if by_owner else None
        key = (period.label(bucket).isoformat(), *cut(owner))
        key += (rollups.from_key(currency),) if with_currency else ()
        sums = groups.setdefault(key, {}).setdefault(status, [0, 0, 0])
        for index, value in enumerate((count, cents, seconds)):
            sums[index] += int(value)
    return period, group_by, filters, groups


def _report(session, period, group_by, filters, rows, totals):
    rows.sort(key=lambda row: [row["period"]] + [row.get(n) or "" for n in (*group_by, "currency")])
    rows = sales_cuts.label_products(session, scoping.label(session, rows, group_by), group_by)
    return {"period": period.as_dict(), "group_by": group_by, "filters": filters,
            "rows": rows, "totals": totals}


def _rate(won, closed):
    return round(won / closed, 4) if closed else None


def win_rate(session, principal, query, now=None):
    """Won / (won + lost) among the deals closed in each period."""
    query = load(schemas.WinRateQuery, query or {})
    period, group_by, filters, groups = _outcomes(session, principal, query, False, now)
    rows, won_total, lost_total = [], 0, 0
    for (label, *values), by_status in groups.items():
        won, lost = by_status.get("won", [0])[0], by_status.get("lost", [0])[0]
        if won + lost:
            rows.append({"period": label, **dict(zip(group_by, values)), "won": won, "lost": lost,
                         "closed": won + lost, "win_rate": _rate(won, won + lost)})
            won_total, lost_total = won_total + won, lost_total + lost
    return _report(session, period, group_by, filters, rows, {
        "won": won_total, "lost": lost_total, "closed": won_total + lost_total,
        "win_rate": _rate(won_total, won_total + lost_total)})


def _revenue_measures(count, cents, seconds):
    return {"won": count, "revenue": money(cents), "average_deal_size": average(cents, count),
            "cycle_seconds": seconds,
            "average_cycle_days": round(seconds / count / DAY_SECONDS, 4) if count else None}


def revenue(session, principal, query, now=None):
    """Won amount per period (and owner), per currency; average deal size and sales cycle of
    the won deals."""
    query = load(schemas.RevenueQuery, query or {})
    period, group_by, filters, groups = _outcomes(session, principal, query, True, now)
    rows, totals = [], {}
    for (label, *values, currency), by_status in groups.items():
        count, cents, seconds = by_status.get("won", [0, 0, 0])
        if count:
            rows.append({"period": label, **dict(zip(group_by, values)), "currency": currency,
                         **_revenue_measures(count, cents, seconds)})
            total = totals.setdefault(currency, [0, 0, 0])
            for index, value in enumerate((count, cents, seconds)):
                total[index] += value
    return _report(session, period, group_by, filters, rows, {
        "by_currency": {currency: _revenue_measures(*total)
                        for currency, total in sorted(totals.items())}})
