"""sales as reporting sees it: deals (funnel, win rate, revenue, their cuts, stage history),
cash (invoiced, collected, receivables) and targets (attainment), reconciled against sales'
reconcile RPCs."""
from sqlalchemy import func, select

from services.reporting.domains.sales import gauges
from services.reporting.domains.sales.forecast import report as forecast
from services.reporting.domains.sales.models import (DealLineFact, DealOutcomes, DealStageEntry,
                                                     DealStages, InvoiceFact, PaymentFact,
                                                     TargetFact)
from services.reporting.domains.sales.projections.cash import CASH
from services.reporting.domains.sales.projections.deals import DEALS
from services.reporting.domains.sales.projections.targets import TARGETS
from services.reporting.domains.sales.queries import cash, deals, stages, targets
from services.reporting.domains.sales.reconcile import RECONCILIATION
from services.reporting.plugin import Domain, Report

REPORTS = (
    Report("sales_funnel", deals.funnel, "sales/funnel",
           "reporting:FunnelQuery", "reporting:SalesReport",
           "Deals now by stage (group_by stage, owner_id, status): count, value and "
           "weighted value per currency; status=open is the open pipeline; from/to "
           "select deals created then (local dates in tz), default all"),
    Report("sales_win_rate", deals.win_rate, "sales/win-rate",
           "reporting:WinRateQuery", "reporting:SalesReport",
           "Deals won, lost and won / closed per period of closing (group_by owner_id "
           "(default), team_id, region (the owner's), product_id (deals containing "
           "it); granularity day/week/month/quarter/year/total)"),
    Report("sales_revenue", deals.revenue, "sales/revenue",
           "reporting:RevenueQuery", "reporting:SalesReport",
           "Won amount per period of closing and currency (group_by owner_id, team_id, "
           "region, product_id: the product's line totals), with average deal size "
           "and average sales cycle (created → won)"),
    Report("sales_stage_conversion", stages.conversion, "sales/stage-conversion",
           "reporting:StageQuery", "reporting:StageReport",
           "Of the deals that entered each stage, how many moved to each other stage "
           "next and how many reached it ever (deals created from/to, local dates in "
           "tz; default all)"),
    Report("sales_time_in_stage", stages.time_in_stage, "sales/time-in-stage",
           "reporting:StageQuery", "reporting:StageReport",
           "Average and median time deals spent in each stage (completed stays, from "
           "the stage changes' business times) and the sales cycle (first stage "
           "entered → closed)"),
    Report("sales_cash", cash.cash, "sales/cash",
           "reporting:CashQuery", "reporting:SalesReport",
           "Invoiced (by issue date) vs collected (by payment date) per period and "
           "currency (group_by owner_id, team_id, region)"),
    Report("sales_receivables", cash.receivables, "sales/receivables",
           "reporting:ReceivablesQuery", "reporting:ReceivablesReport",
           "Open balances on a date (as_of, default today in tz) per currency, overdue "
           "ones aged 1-30 / 31-60 / 61-90 / 90+ days past due, and the overdue "
           "invoices (most overdue first, up to limit)"),
    Report("sales_targets", targets.targets, "sales/targets",
           "reporting:TargetsQuery", "reporting:TargetsReport",
           "Targets of a period (period_kind month/quarter/year, period_start) with "
           "their attainment: won_revenue from won deals, cash_collected from payments"),
    Report("sales_forecast", forecast.forecast, "sales/forecast",
           "reporting:ForecastQuery", "reporting:ForecastReport",
           "Won so far, the open pipeline weighted by the configured and by the calibrated "
           "(observed) stage win rates, and a time-series forecast (ETS, 95 % interval) of the "
           "won amount for the current and next periods (month / quarter; per currency; "
           "group_by owner_id, region, product_id), with the method's back-test error (MAE, "
           "MAPE) on this scope's history next to the naive baselines"),
)


def snapshot(session):
    def count(model, *where):
        return session.scalar(select(func.count()).select_from(model).where(*where))

    def total(column):
        return int(session.scalar(select(func.coalesce(func.sum(column), 0))))
    return {"deals": total(DealStages.count), "closed_deals": total(DealOutcomes.count),
            "deal_lines": count(DealLineFact), "stage_entries": count(DealStageEntry),
            "invoices": count(InvoiceFact), "payments": count(PaymentFact),
            "targets": count(TargetFact, TargetFact.removed.is_(False))}


DOMAIN = Domain("sales", projections=(DEALS, CASH, TARGETS), reports=REPORTS,
                reconciliation=RECONCILIATION, snapshot=snapshot, gauges=gauges.refresh)
