"""sales' business gauges: the open pipeline from the deal_stages rollup, receivables from the
invoice and payment facts (one grouped query each)."""
from prometheus_client import Gauge
from sqlalchemy import func, select

from services.reporting.domains.sales.models import DealOutcomes, DealStages
from services.reporting.domains.sales.queries.cash import open_balances
from services.reporting.metrics import set_by_label

OPEN_DEALS_BY_STAGE = Gauge("crm_open_deals_by_stage", "Open deals by pipeline stage", ["stage"])
OPEN_PIPELINE = Gauge(
    "crm_open_pipeline_amount", "Open deals' amount (the gauge is a float; reports are exact)",
    ["currency"])
WEIGHTED_PIPELINE = Gauge(
    "crm_weighted_pipeline_amount", "Open deals' amount × stage probability", ["currency"])
RECEIVABLES = Gauge(
    "crm_receivables_outstanding_amount", "Invoices' open balances today (UTC)", ["currency"])
CLOSED_DEALS = Gauge(
    "crm_closed_deals", "Deals closed so far by status (won | lost): win rate = won / all",
    ["status"])
OVERDUE_RECEIVABLES = Gauge(
    "crm_receivables_overdue_amount", "Open balances past their due date today (UTC)",
    ["currency"])


def refresh(session, seen, today):
    _refresh_pipeline(session, seen)
    _refresh_receivables(session, seen, today)


def _refresh_pipeline(session, seen):
    open_ = DealStages.status == "open"
    by_stage = dict(session.execute(select(DealStages.stage, func.sum(DealStages.count))
                                    .where(open_).group_by(DealStages.stage)).all())
    by_currency = session.execute(
        select(DealStages.currency, func.sum(DealStages.amount_cents),
               func.sum(DealStages.weighted_cents)).where(open_).group_by(DealStages.currency)).all()
    closed = dict(session.execute(select(DealOutcomes.status, func.sum(DealOutcomes.count))
                                  .group_by(DealOutcomes.status)).all())
    set_by_label(CLOSED_DEALS, "closed_status",
                 {"won": 0, "lost": 0} | {status: int(n) for status, n in closed.items()}, seen)
    set_by_label(OPEN_DEALS_BY_STAGE, "stage", {stage: int(n) for stage, n in by_stage.items()}, seen)
    set_by_label(OPEN_PIPELINE, "currency",
                 {currency or "none": int(amount) / 100 for currency, amount, _w in by_currency}, seen)
    set_by_label(WEIGHTED_PIPELINE, "weighted_currency",
                 {currency or "none": int(weighted) / 100 for currency, _a, weighted in by_currency},
                 seen)


def _refresh_receivables(session, seen, today):
    outstanding, overdue = open_balances(session, today)
    set_by_label(RECEIVABLES, "receivables_currency",
                 {c or "none": cents / 100 for c, cents in outstanding.items()}, seen)
    set_by_label(OVERDUE_RECEIVABLES, "overdue_currency",
                 {c or "none": cents / 100 for c, cents in overdue.items()}, seen)
