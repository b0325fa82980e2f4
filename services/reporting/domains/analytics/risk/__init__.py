"""Churn risk (issue 17 item 5): a 0–100 score per customer from explained factors (factors.py)
read off the sales, customers and service-desk read models (gather.py), listed per owner
(report.py), and the pass that publishes customer_at_risk once per upward crossing of the
threshold (crossing.py); sales makes the owner's follow-up task from that event."""
from services.reporting.domains.analytics.risk import report
from services.reporting.domains.analytics.risk.projection import CONTACTS
from services.reporting.plugin import Report

PROJECTIONS = (CONTACTS,)
REPORTS = (
    Report("customers_churn_risk", report.churn_risk, "customers/churn-risk",
           "reporting:ChurnRiskQuery", "reporting:ChurnRiskReport",
           "Each customer in scope with its churn-risk score 0–100 as of the end of as_of (a "
           "local date in tz, default today) and the factors that make it, in points and "
           "words: falling purchase frequency and value against the customer's own earlier "
           "rate, time since the last interaction, open and SLA-breached tickets, low CSAT, "
           "lost deals; highest first, paged (filters owner_id, min_score)"),
)
