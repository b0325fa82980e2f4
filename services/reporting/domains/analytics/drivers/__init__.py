"""What drives winning (issue 17 item 2): a logistic regression of won vs lost on the closed
deals' attributes — product, the customer's industry, size and region, the rep, the deal's age —
explained per factor as odds ratios in words and judged on held-out deals (model.py, over
features.py); shown on the open deals as their modelled win probability (report.py)."""
from services.reporting.domains.analytics.drivers import report
from services.reporting.plugin import Report

REPORTS = (
    Report("sales_win_drivers", report.win_drivers, "sales/win-drivers",
           "reporting:WinDriversQuery", "reporting:WinDriversReport",
           "What drives winning: a logistic regression of won vs lost on the closed deals in "
           "scope (product, industry, company size, region, rep, deal age; one-hot), each value "
           "as its odds ratio against the average deal in words, strongest first, with the "
           "model's hold-out accuracy and ROC AUC next to the base rate"),
    Report("sales_open_deal_odds", report.open_deal_odds, "sales/open-deal-odds",
           "reporting:OpenDealOddsQuery", "reporting:OpenDealOddsReport",
           "The open deals in scope with the win probability the win-drivers model gives them "
           "and the factors that move it most, likeliest first, paged (filter owner_id)"),
)
