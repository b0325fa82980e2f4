"""The events reporting publishes (its contract: docs/contracts.md), through the chassis outbox
like every producer: churn risk's customer_at_risk (domains/analytics/risk/crossing.py)."""
from services.reporting.domains.analytics.risk.schemas import CustomerAtRisk

EVENT_SCHEMAS = {"customer_at_risk": CustomerAtRisk()}
