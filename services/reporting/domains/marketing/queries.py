"""The marketing KPI report: per campaign (or per channel and currency), every count, cost,
cost per lead, and per attribution model (first | last touch) the won deals, their revenue per
currency, CAC and ROI = (revenue in the campaign's currency − cost) / cost, exact decimals as
marketing's own results compute them (services/marketing/campaigns/results.py). Revenue in
another currency is listed, never converted: no exchange rates are kept. The funnel is
reach (delivered) → unique clicks → responses → leads → deals (converted leads).

Campaigns are not owned records: marketers and managers read them all (as in marketing)."""
from decimal import Decimal

from services.chassis.validation import load
from services.reporting.domains.marketing import figures, schemas

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


def campaigns(session, principal, query, now=None):
    query = load(schemas.CampaignsQuery(), query or {})
    filters = {name: query[name] for name in ("campaign_id", "channel") if name in query}
    found = figures.campaigns(session, query.get("campaign_id"), query.get("channel"))
    if query["group_by"] == "channel":
        totals = figures.combine(found.values(), lambda row: (row["channel"], row["currency"]))
        rows = [{"channel": channel, "campaigns": total["campaigns"],
                 **present(total, currency)}
                for (channel, currency), total in sorted(totals.items())]
    else:
        rows = [{"campaign_id": row["campaign_id"], "name": row["name"],
                 "channel": row["channel"], "status": row["status"],
                 **present(row, row["currency"])}
                for row in sorted(found.values(), key=lambda row: (row["name"] or "",
                                                                   row["campaign_id"]))]
    start = query["offset"]
    return {"group_by": [query["group_by"]], "filters": filters, "total": len(rows),
            "rows": rows[start:start + query["limit"]]}
