"""The marketing KPIs against marketing's own rows: its reconcile_campaign_results pages (each
campaign's results as get_campaign_results answers them, counted by results.py from its
recipients, engagement, responses, leads, credits and costs) compared exactly with what our
report shows — every count, the cost and revenue in cents, and the derived cost per lead, CAC
and ROI as exact decimals. The pending recipients (not yet sent) are marketing's alone: no
event tells of them, so `recipients` and `not_sent` are not compared.

The dated facts (the report per period, dated.py) are compared too, summed over their periods
(`campaign_periods.*`): every count, cost entry and credit dated once adds up to the same
results, so no period lost or doubled a fact.

The leads, converted leads, won deals and attributed revenue are also compared with sales' own
rows (`campaign_sales.*`, sales_rows.py: sales' reconcile_lead_facts and reconcile_deal_facts)."""
from collections import Counter
from decimal import Decimal

from services.reporting.domains.marketing import dated, figures, queries, sales_rows
from services.reporting.plugin import Reconciliation

METHOD = "reconcile_campaign_results"
CAMPAIGN = ("campaign_id",)
PER_MODEL = ("campaign_id", "model")
PREFIXES = ("campaigns", "campaign_periods")
KEYS = {f"{prefix}.{name}": key for prefix in PREFIXES for name, key in (
    *((name, CAMPAIGN) for name in (*figures.COUNTS, "cost", "cost_per_lead")),
    ("won_deals", PER_MODEL), ("cac", PER_MODEL), ("roi", PER_MODEL),
    ("revenue", ("campaign_id", "model", "currency")))} | sales_rows.KEYS


def _decimal(value):
    """An exact decimal as a canonical string ("1000.00" and "1000" alike): compared exactly,
    and JSON-able in the reconcile job's result (a difference is listed, not a failed job)."""
    return None if value is None else format(Decimal(value).normalize(), "f")


def _kpis(results, prefix="campaigns"):
    """{kpi: Counter} of results shaped like marketing's CampaignResults (strings for money)."""
    found = {kpi: Counter() for kpi in KEYS if kpi.startswith(prefix + ".")}
    for row in results:
        cid = row["campaign_id"]
        for name in figures.COUNTS:
            found[f"{prefix}.{name}"][(cid,)] = row[name]
        for name in ("cost", "cost_per_lead"):
            found[f"{prefix}.{name}"][(cid,)] = _decimal(row[name])
        for model, part in row["attribution"].items():
            found[f"{prefix}.won_deals"][(cid, model)] = part["won_deals"]
            found[f"{prefix}.cac"][(cid, model)] = _decimal(part["cac"])
            found[f"{prefix}.roi"][(cid, model)] = _decimal(part["roi"])
            for money in part["revenue"]:
                found[f"{prefix}.revenue"][(cid, model, money["currency"])] = _decimal(
                    money["amount"])
    return found


def expected(session, data):
    return {**_kpis(data[METHOD]), **_kpis(data[METHOD], "campaign_periods"),
            **sales_rows.expected(session, data)}


def _presented(rows):
    return [{"campaign_id": row["campaign_id"], **queries.present(row, row["currency"])}
            for row in rows]


def actual(session):
    return {**_kpis(_presented(figures.campaigns(session).values())),
            **_kpis(_presented(dated.totals(session).values()), "campaign_periods"),
            **sales_rows.actual(session)}


def checked(data, want):
    return {"campaigns": len(data[METHOD]),
            "campaign_emails_sent": sum(want["campaigns.sent"].values()),
            "campaign_leads": sum(want["campaigns.leads"].values()),
            **sales_rows.checked(data)}


RECONCILIATION = Reconciliation("marketing", (METHOD,), KEYS, expected, actual, checked,
                                borrowed=sales_rows.BORROWED)
