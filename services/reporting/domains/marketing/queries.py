"""The marketing KPI report: per campaign (or per channel and currency), every count, cost,
cost per lead, and per attribution model (first | last touch) the won deals, their revenue per
currency, CAC and ROI = (revenue in the campaign's currency − cost) / cost, exact decimals as
marketing's own results compute them (services/marketing/campaigns/results.py). Revenue in
another currency is listed, never converted: no exchange rates are kept. The funnel is
reach (delivered) → unique clicks → responses → leads → deals (converted leads).

Per period (group_by=period, period=day | week | month) every fact counts on its event's own
time in the caller's `tz` (dated.py); a campaign's periods sum to its totals. `from` / `to`
bound any grouping to what happened in those local days.

Campaigns are not owned records: marketers and managers read them all (as in marketing)."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from services.chassis.errors import Invalid
from services.chassis.validation import load
from services.reporting import periods
from services.reporting.domains.marketing import dated, figures, schemas

CENTS, RATIO = Decimal("0.01"), Decimal("0.0001")


def _money(cents):
    return str((Decimal(cents) / 100).quantize(CENTS))


def _per(cost, count):
    return str((cost / count).quantize(CENTS)) if count else None


def present(row, currency):
    """A figures row as the report shows it, money in `currency`."""
    cost = Decimal(row["cost_cents"]) / 100
    attribution = {}
    for model, part in sorted(row["attribution"].items()):
        own = Decimal(part["revenue_cents"].get(currency, 0)) / 100
        attribution[model] = {
            "won_deals": part["won_deals"],
            "revenue": [{"currency": c, "amount": _money(cents)}
                        for c, cents in sorted(part["revenue_cents"].items())],
            "cac": _per(cost, part["won_deals"]),
            "roi": str(((own - cost) / cost).quantize(RATIO)) if cost else None}
    counts = {name: row[name] for name in figures.COUNTS}
    return {**counts, "currency": currency, "cost": _money(row["cost_cents"]),
            "cost_per_lead": _per(cost, row["leads"]), "attribution": attribution,
            "funnel": [{"step": step, "count": row[name]} for step, name in (
                ("reach", "delivered"), ("click", "unique_clicks"), ("response", "responses"),
                ("lead", "leads"), ("deal", "converted_leads"))]}


def _span(query):
    """The query's periods and bounds: local days in `tz` → UTC instants [first, last)."""
    start, end = query.get("from_"), query.get("to")
    if start and end and start > end:
        raise Invalid("The request is not valid.", {"from": ["Must not be after 'to'."]})
    granularity = query["period"] if query["group_by"] == "period" else "total"
    period = periods.Period(start, end, query["tz"], granularity)

    def instant(day):
        return datetime.fromtimestamp(periods.local_midnight(day, period.zone), timezone.utc)
    span = dated.Span(period if granularity != "total" else None,
                      instant(start) if start else None,
                      instant(end + timedelta(days=1)) if end else None, start, end)
    return span, {"from": start and start.isoformat(), "to": end and end.isoformat(),
                  "tz": query["tz"], "granularity": granularity}


def _campaign_row(row):
    return {"campaign_id": row["campaign_id"], "name": row["name"], "channel": row["channel"],
            "status": row["status"], **present(row, row["currency"])}


def campaigns(session, principal, query, now=None):
    query = load(schemas.CampaignsQuery, query or {})
    filters = {name: query[name] for name in ("campaign_id", "channel") if name in query}
    span, period = _span(query)
    ids, channels = query.get("campaign_id"), query.get("channel")
    if query["group_by"] == "period":
        found = dated.campaigns(session, span, ids, channels)
        rows = [{"period": row["period"], **_campaign_row(row)}
                for row in sorted(found.values(), key=lambda row: (
                    row["period"] is None, row["period"] or "", row["name"] or "",
                    row["campaign_id"]))]
        start = query["offset"]
        return {"group_by": ["period"], "period": period, "filters": filters,
                "total": len(rows), "rows": rows[start:start + query["limit"]]}
    if span.first or span.last or span.start or span.end:
        found = dated.totals(session, span, ids, channels)
    else:
        found = figures.campaigns(session, ids, channels)
    if query["group_by"] == "channel":
        totals = figures.combine(found.values(), lambda row: (row["channel"], row["currency"]))
        rows = [{"channel": channel, "campaigns": total["campaigns"],
                 **present(total, currency)}
                for (channel, currency), total in sorted(totals.items())]
    else:
        rows = [_campaign_row(row) for row in sorted(
            found.values(), key=lambda row: (row["name"] or "", row["campaign_id"]))]
    start = query["offset"]
    return {"group_by": [query["group_by"]], "period": period, "filters": filters,
            "total": len(rows), "rows": rows[start:start + query["limit"]]}
