"""Campaigns: marketers (and admins) plan them, move them, record their costs; managers read
them (issue 11 §10). A mixin of MarketingService (it provides db, principal); the timer starts
scheduled campaigns and completes running ones when their times come."""
import logging

from services.chassis.models import utcnow
from services.chassis.periodic import periodic
from services.chassis.rpc import rpc
from services.marketing import roles, settings
from services.marketing.campaigns.handlers import campaigns, costs, reconcile

log = logging.getLogger(__name__)


class CampaignEntrypoints:
    @rpc
    def create_campaign(self, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return campaigns.create_campaign(uow, principal, data)

    @rpc
    def update_campaign(self, campaign_id, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return campaigns.update_campaign(uow, principal, campaign_id, data)

    @rpc
    def change_campaign_status(self, campaign_id, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return campaigns.change_status(uow, principal, campaign_id, data)

    @rpc
    def get_campaign(self, campaign_id):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return campaigns.get_campaign(session, principal, campaign_id)

    @rpc
    def list_campaigns(self, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return campaigns.list_campaigns(session, principal, query)

    @rpc
    def get_campaign_audience(self, campaign_id):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return campaigns.campaign_audience(session, principal, campaign_id)

    @rpc
    def get_campaign_results(self, campaign_id):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return campaigns.campaign_results(session, principal, campaign_id)

    @rpc
    def reconcile_campaign_results(self, cursor=None, limit=500):
        """Every campaign's results, paged (reporting's reconcile of the marketing KPIs)."""
        self.principal.require("admin")
        with self.db.read_only() as session:
            return reconcile.campaign_results(session, cursor, limit)

    @rpc
    def record_campaign_cost(self, campaign_id, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return costs.record_cost(uow, principal, campaign_id, data)

    @rpc
    def remove_campaign_cost(self, campaign_id, cost_id):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return costs.remove_cost(uow, principal, campaign_id, cost_id)

    @rpc
    def list_campaign_costs(self, campaign_id, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return costs.list_costs(session, principal, campaign_id, query)

    @periodic(settings.campaign_check_seconds)
    def advance_campaigns(self):
        with self.db.unit_of_work() as uow:
            moved = campaigns.advance_due(uow, utcnow())
        if moved:
            log.info("campaigns: %s started or completed on time", moved)
