"""customers as reporting sees it: customer composition and new customers (customers'
records), interaction activity (its interactions), reconciled against its reconcile RPCs."""
from sqlalchemy import func, select

from services.reporting.domains.customers import gauges, queries
from services.reporting.domains.customers.models import (CustomerComposition, CustomerFact,
                                                         InteractionActivity, NewCustomers)
from services.reporting.domains.customers.projections import CUSTOMERS, INTERACTIONS
from services.reporting.domains.customers.reconcile import RECONCILIATION
from services.reporting.plugin import Domain, Report

REPORTS = (
    Report("customer_composition", queries.composition, "customers/composition",
           "reporting:CompositionQuery", "reporting:Report",
           "Customers now by lifecycle_stage, region, value_class, industry, owner_id "
           "(group_by any of them; filters take comma-separated values)"),
    Report("new_customers", queries.new_customers, "customers/new",
           "reporting:NewCustomersQuery", "reporting:SeriesReport",
           "New customers per day, week or month of a period (from/to: local dates, "
           "tz: IANA zone; default the last 30 days in UTC)"),
    Report("interaction_activity", queries.interaction_activity, "interactions",
           "reporting:InteractionsQuery", "reporting:SeriesReport",
           "Interactions per rep (user_id) and kind per period; owner_id is the "
           "customer's owner when the interaction was logged"),
)


def snapshot(session):
    def total(column):
        return int(session.scalar(select(func.coalesce(func.sum(column), 0))))
    return {"customer_facts": session.scalar(select(func.count()).select_from(CustomerFact)),
            "customers": total(CustomerComposition.count),
            "new_customers": total(NewCustomers.count),
            "interactions": total(InteractionActivity.count)}


DOMAIN = Domain("customers", projections=(CUSTOMERS, INTERACTIONS), reports=REPORTS,
                reconciliation=RECONCILIATION, snapshot=snapshot, gauges=gauges.refresh)
