"""This service's campaign leads, for reporting's reconciliation of the marketing KPIs (admin /
system only), in pages keyed by lead id and stamped with the event sequence (the chassis's
reconcile_page): every lead marketing's campaign made — its campaign, and the deal it was
converted to. Reporting compares its campaign report's leads, converted leads, won deals and
attributed revenue with these and the deal facts (deals/handlers/reconcile.py)."""
from sqlalchemy import select

from services.chassis.pagination import reconcile_page
from services.sales.leads.models import Lead

SCOPE = "reconcile:campaign-leads"


def _facts(_session, rows):
    return [{"id": row.id, "campaign_id": row.campaign_id, "deal_id": row.deal_id,
             "created_at": row.created_at.isoformat(),
             "converted_at": row.converted_at.isoformat() if row.converted_at else None}
            for row in rows]


def lead_facts(session, cursor=None, limit=500):
    query = select(Lead).where(Lead.campaign_id.is_not(None))
    return reconcile_page(session, query, Lead.id, cursor, limit, SCOPE, _facts)
