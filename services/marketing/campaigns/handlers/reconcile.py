"""Every campaign's results counted from marketing's own rows (results.py, dumped as
get_campaign_results answers them), for reporting's reconciliation of the marketing KPIs
(admin / system only): pages keyed by campaign id, stamped with the event sequence read before
the rows (the chassis's reconcile_page)."""
from sqlalchemy import select

from services.chassis.pagination import reconcile_page
from services.chassis.validation import shared
from services.marketing.campaigns import results, schemas
from services.marketing.campaigns.models import Campaign

SCOPE = "reconcile:campaigns"


def _results(session, rows):
    return [shared(schemas.CampaignResults).dump(results.results(session, row)) for row in rows]


def campaign_results(session, cursor=None, limit=500):
    return reconcile_page(session, select(Campaign), Campaign.id, cursor, limit, SCOPE, _results)
