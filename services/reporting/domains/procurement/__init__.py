"""Procurement as reporting sees it (issue 14): the supplier book's names and statuses and every
evaluation, submitted purchase requests and their decisions, orders' status and value, goods
receipts and their lines — spend, open commitments, approval cycle time, supplier scorecards
and on-time delivery, reconciled exactly against procurement's own rows (its admin/system
reconcile RPCs: services/procurement/kpis/).

Definitions (figures.py does the arithmetic for the reports and the reconcile alike):
- spend = accepted receipt value (goods_received lines' accepted_value) by supplier, category
  (the order line's; "uncategorised" for none), period of `received_on` (day … year) and
  currency — never summed across currencies;
- open commitments = per supplier and currency, for orders whose latest status is sent or
  partially_received: total − value accepted so far (purchase_order_status_changed carries
  both); a draft, received, closed or cancelled order commits nothing;
- approval cycle time = decided − submitted of approved requests (purchase_request_approved)
  and of rejected ones (purchase_request_rejected, the submission from
  purchase_request_submitted), by period of the decision: count, mean and median hours;
- supplier scorecard = name, status, current weighted score (the latest supplier_evaluated
  saying `current`), flagged (that score under its threshold), the evaluations (the current one
  marked), receipts, on time, on-time rate (100 × on time / receipts, two decimals half up),
  spend per currency;
- on-time delivery rate per supplier and period of `received_on`.
"""
from sqlalchemy import func, select

from services.reporting.domains.procurement import queries
from services.reporting.domains.procurement.models import (ApprovalFact, EvaluationFact,
                                                           OrderFact, ReceiptFact,
                                                           ReceiptLineFact, SupplierFact)
from services.reporting.domains.procurement.projections import APPROVALS, ORDERS, SUPPLIERS
from services.reporting.domains.procurement.reconcile import RECONCILIATION
from services.reporting.plugin import Domain, Report

# managers (who approve what is bought) and buyers (procurement's own role) read them; admin too
READERS = ("manager", "buyer")

REPORTS = (
    Report("procurement_spend", queries.spend, "procurement/spend",
           "reporting:SpendQuery", "reporting:ProcurementReport",
           "Spend: accepted receipt value of the goods received in the period, per currency "
           "(never summed across currencies) and any of period (of the receipt date: day … "
           "year, total), supplier, category (the order line's; 'uncategorised' for none)",
           roles=READERS),
    Report("procurement_commitments", queries.commitments, "procurement/commitments",
           "reporting:CommitmentsQuery", "reporting:ProcurementReport",
           "Open commitments now, per supplier and currency: of the orders sent or partially "
           "received, their total minus the value accepted so far", roles=READERS),
    Report("procurement_approvals", queries.approval_cycle, "procurement/approvals",
           "reporting:ApprovalsQuery", "reporting:ProcurementReport",
           "Approval cycle time of the purchase requests decided in the period, per period of "
           "the decision: approved and rejected, each count, mean and median hours from "
           "submission to decision", roles=READERS),
    Report("procurement_on_time", queries.on_time, "procurement/on-time",
           "reporting:OnTimeQuery", "reporting:ProcurementReport",
           "On-time delivery of the goods received in the period, per period and / or "
           "supplier: receipts, on time, late, on-time rate (%, two decimals)", roles=READERS),
    Report("procurement_scorecards", queries.scorecards, "procurement/suppliers",
           "reporting:ScorecardsQuery", "reporting:ProcurementReport",
           "Supplier scorecards: name, status, current weighted score, flagged, evaluation "
           "history (the current one marked), receipts, on time, on-time rate, spend per "
           "currency", roles=READERS),
)


def snapshot(session):
    def count(model, *where):
        return session.scalar(select(func.count()).select_from(model).where(*where))
    return {"suppliers": count(SupplierFact), "supplier_evaluations": count(EvaluationFact),
            "requests_decided": count(ApprovalFact, ApprovalFact.outcome.is_not(None)),
            "orders": count(OrderFact), "receipts": count(ReceiptFact),
            "receipt_lines": count(ReceiptLineFact)}


DOMAIN = Domain("procurement", projections=(SUPPLIERS, APPROVALS, ORDERS), reports=REPORTS,
                reconciliation=RECONCILIATION, snapshot=snapshot)
