"""The sales KPIs recomputed from sales' own data: its reconcile_deal_facts (deal rollups,
deal_products), reconcile_deal_history (lines, stage entries), reconcile_cash_facts (cash,
receivables) and, once sales answers it, reconcile_target_facts (attainment)."""
from services.reporting.domains.sales.reconcile import deals, kpis, targets
from services.reporting.plugin import Reconciliation

TARGETS = "reconcile_target_facts"


def expected(session, data):
    deal_facts, histories = data["reconcile_deal_facts"], data["reconcile_deal_history"]
    found = {**deals.expected(deal_facts),
             **kpis.expected(deal_facts, histories, data["reconcile_cash_facts"])}
    if data.get(TARGETS) is not None:
        found.update(targets.expected(session, data[TARGETS], deal_facts, histories,
                                      data["reconcile_cash_facts"]))
    return found


def actual(session):
    return {**deals.actual(session), **kpis.actual(session), **targets.actual(session)}


def checked(data, want):
    return {"deals": len(data["reconcile_deal_facts"]),
            "closed_deals": sum(want["deal_outcomes.count"].values()),
            "stage_entries": sum(want["stage_entries"].values()),
            "invoices": len(data["reconcile_cash_facts"]),
            "targets": None if data.get(TARGETS) is None else len(data[TARGETS])}


RECONCILIATION = Reconciliation(
    "sales", ("reconcile_deal_facts", "reconcile_deal_history", "reconcile_cash_facts"),
    {**deals.KEYS, **kpis.KEYS, **targets.KEYS}, expected, actual, checked, optional=(TARGETS,))
