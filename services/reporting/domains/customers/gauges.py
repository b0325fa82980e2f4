"""customers' business gauges, from the composition rollup (a few rows), not from the facts."""
from prometheus_client import Gauge
from sqlalchemy import func, select

from services.reporting.domains.customers.models import CustomerComposition as Composition
from services.reporting.metrics import set_by_label

CUSTOMERS = Gauge("crm_customers", "Live (not merged) customers")
CUSTOMERS_BY_STAGE = Gauge(
    "crm_customers_by_lifecycle_stage", "Live customers by lifecycle stage", ["lifecycle_stage"])
CUSTOMERS_BY_VALUE_CLASS = Gauge(
    "crm_customers_by_value_class", "Live customers by value class (none: unclassified)",
    ["value_class"])


def refresh(session, seen, _today):
    by_stage = dict(session.execute(select(Composition.lifecycle_stage, func.sum(Composition.count))
                                    .group_by(Composition.lifecycle_stage)).all())
    by_class = dict(session.execute(select(Composition.value_class, func.sum(Composition.count))
                                    .group_by(Composition.value_class)).all())
    set_by_label(CUSTOMERS_BY_STAGE, "lifecycle_stage",
                 {stage or "none": int(n) for stage, n in by_stage.items()}, seen)
    set_by_label(CUSTOMERS_BY_VALUE_CLASS, "value_class",
                 {value or "none": int(n) for value, n in by_class.items()}, seen)
    CUSTOMERS.set(sum(int(n) for n in by_stage.values()))
