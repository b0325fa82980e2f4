"""Tickets: create, read, list, change, move along the status flow, answer (public replies and
internal notes), read the conversation and history, merge duplicates. A mixin of
ServiceDeskService (it provides db, principal, services). Who may: roles.py; which tickets:
tickets/scopes.py, inside the handlers' queries."""
import logging

from services.chassis import inbox
from services.chassis.rpc import rpc  # replies without confirms
from services.chassis.throttle import Throttle
from services.service_desk import roles, settings
from services.service_desk.tickets.handlers import (change, conversation, create, kpis, lists,
                                                   merge)

log = logging.getLogger(__name__)


class TicketEntrypoints:
    # A ticket for an unknown customer reads customers' log: at most once per interval per
    # (customer, contact) and process, so repeated bad ids cannot turn into a stream of RPCs.
    customers_refresh = Throttle("SERVICE_DESK_CUSTOMERS_REFRESH_MIN_INTERVAL_SECONDS", 5.0)

    @rpc
    def create_ticket(self, data):
        principal = self.principal.require(*roles.WORK)
        self._refresh_directory(data)
        self._refresh_assignee(data)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return create.create_ticket(uow, principal, data)

    @rpc
    def get_ticket(self, ticket_id):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return lists.get_ticket(session, principal, ticket_id)

    @rpc
    def list_tickets(self, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return lists.list_tickets(session, principal, query)

    @rpc
    def update_ticket(self, ticket_id, data):
        principal = self.principal.require(*roles.WORK)
        self._refresh_directory(data)           # attaching an unmatched ticket names a customer
        self._refresh_assignee(data)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return change.update_ticket(uow, principal, ticket_id, data)

    @rpc
    def change_ticket_status(self, ticket_id, data):
        principal = self.principal.require(*roles.WORK)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return change.change_status(uow, principal, ticket_id, data)

    @rpc
    def add_ticket_reply(self, ticket_id, data):
        principal = self.principal.require(*roles.WORK)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return conversation.add_reply(uow, principal, ticket_id, data)

    @rpc
    def add_ticket_note(self, ticket_id, data):
        principal = self.principal.require(*roles.WORK)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return conversation.add_note(uow, principal, ticket_id, data)

    @rpc
    def list_ticket_entries(self, ticket_id, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return conversation.list_entries(session, principal, ticket_id, query)

    @rpc
    def list_ticket_history(self, ticket_id, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return lists.list_history(session, principal, ticket_id, query)

    @rpc
    def merge_tickets(self, ticket_id, data):
        principal = self.principal.require(*roles.WORK)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return merge.merge_tickets(uow, principal, ticket_id, data)

    @rpc
    def reconcile_ticket_kpis(self, cursor=None, limit=500):
        """Every ticket's KPI facts, paged (reporting's reconcile of the service KPIs)."""
        self.principal.require("admin")
        with self.db.read_only() as session:
            return kpis.ticket_kpis(session, cursor, limit)

    @rpc
    def reconcile_survey_kpis(self, cursor=None, limit=500):
        """Every answered survey, paged (reporting's reconcile of CSAT)."""
        self.principal.require("admin")
        with self.db.read_only() as session:
            return kpis.survey_kpis(session, cursor, limit)

    @rpc
    def reconcile_followup_kpis(self, cursor=None, limit=500):
        """Every follow-up visit, paged (reporting's reconcile of the follow-ups done)."""
        self.principal.require("admin")
        with self.db.read_only() as session:
            return kpis.followup_kpis(session, cursor, limit)

    # --- the copies may be a moment behind ---------------------------------------------------
    def _refresh_directory(self, data):
        """A customer (or contact) created a moment ago may not be in the copy yet: read
        customers' log now, with a short deadline, instead of refusing it. Bad input is left to
        the handler's validation."""
        if not isinstance(data, dict):
            return
        customer_id, contact_id = data.get("customer_id"), data.get("contact_id")
        if not isinstance(customer_id, str) or not isinstance(contact_id, (str, type(None))):
            return
        with self.db.read_only() as session:
            if create.known(session, customer_id, contact_id):
                return
        if not self.customers_refresh.due((customer_id, contact_id)):
            return
        timeout = settings.customers_refresh_timeout()

        def fetch(position, limit):
            return self.services.call("customers", "events_since", position, limit,
                                      timeout=timeout)
        try:
            inbox.catch_up(self.db, self.subscriptions, fetch, "customers", max_pages=5)
        except Exception:
            log.warning("customers copy refresh failed; using the copy as it is", exc_info=True)

    def _refresh_assignee(self, data):
        if isinstance(data, dict) and data.get("assignee_id"):
            self._refresh_users_if_stale(data["assignee_id"], None)
