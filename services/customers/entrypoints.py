"""customers' entrypoints: who is calling, one transaction (or a read-only session), one handler.
A mixin of CustomersService (it provides db, principal and the users copy's refresh).
Record-level scopes are enforced inside the handlers' queries."""
from services.chassis.periodic import periodic
from services.chassis.rpc import rpc                # replies without confirms
from services.customers import settings
from services.customers.handlers import (assignment, contacts, customers, export, import_runner,
                                         import_upload, imports, interactions, merge, reconcile, search)
from services.customers.handlers import tags as tagging


class CustomersEntrypoints:
    # --- customers ---------------------------------------------------------------------------
    @rpc
    def create_customer(self, data, force=False):
        principal = self.principal.require()
        if isinstance(data, dict) and principal.role != "sales_rep":
            self._refresh_users_if_stale(data.get("owner_id"), data.get("region"))
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return customers.create_customer(uow, principal, data, force=force)

    @rpc
    def get_customer(self, customer_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return customers.get_customer(session, principal, customer_id)

    @rpc
    def update_customer(self, customer_id, data):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return customers.update_customer(uow, principal, customer_id, data)

    @rpc
    def assign_customer(self, customer_id, owner_id):
        principal = self.principal.require("manager")
        self._refresh_users_if_stale(owner_id, None)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return assignment.assign_customer(uow, principal, customer_id, owner_id)

    @rpc
    def list_customers(self, query=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return search.list_customers(session, principal, query)

    @rpc
    def export_customers(self, query=None, with_meta=False):
        """CSV text; with_meta=True: {"csv", "rows", "truncated", "max_rows"}."""
        principal = self.principal.require()
        with self.db.read_only() as session:
            result = export.export_customers(session, principal, query)
        return result if with_meta is True else result["csv"]

    @rpc
    def merge_customers(self, winner_id, loser_id):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return merge.merge_customers(uow, principal, winner_id, loser_id)

    # --- tags --------------------------------------------------------------------------------
    @rpc
    def create_tag(self, data):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return tagging.create_tag(uow, principal, data)

    @rpc
    def list_tags(self):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return tagging.list_tags(session, principal)

    @rpc
    def tag_customers(self, customer_ids, tags):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return tagging.tag_customers(uow, principal, customer_ids, tags)

    @rpc
    def untag_customers(self, customer_ids, tags):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return tagging.untag_customers(uow, principal, customer_ids, tags)

    # --- contacts and interactions -----------------------------------------------------------
    @rpc
    def add_contact(self, customer_id, data):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return contacts.add_contact(uow, principal, customer_id, data)

    @rpc
    def list_contacts(self, customer_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return contacts.list_contacts(session, principal, customer_id)

    @rpc
    def log_interaction(self, customer_id, data):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return interactions.log_interaction(uow, principal, customer_id, data)

    @rpc
    def get_timeline(self, customer_id, cursor=None, limit=None):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return interactions.get_timeline(session, principal, customer_id, cursor, limit)

    # --- import ------------------------------------------------------------------------------
    @rpc
    def start_import(self, csv_text):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return imports.start_import(uow, principal, csv_text)

    @rpc
    def open_import(self):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return import_upload.open_import(uow, principal)

    @rpc
    def append_import(self, job_id, part_number, text):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return import_upload.append_import(uow, principal, job_id, part_number, text)

    @rpc
    def close_import(self, job_id):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return import_upload.close_import(uow, principal, job_id)

    @rpc
    def abort_import(self, job_id, reason):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return import_upload.abort_import(uow, principal, job_id, reason)

    @rpc
    def list_import_rows(self, job_id, query):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return imports.list_import_rows(session, principal, job_id, query)

    @rpc
    def get_import(self, job_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return imports.get_import(session, principal, job_id)

    @periodic(settings.import_poll_seconds)
    def process_imports(self):
        import_runner.process_pending(self.db)

    # --- reporting's reconciliation: this service's own data (admin / system only) ----------
    @rpc
    def reconcile_customer_facts(self, cursor=None, limit=500):
        self.principal.require("admin")
        with self.db.read_only() as session:
            return reconcile.customer_facts(session, cursor, limit)

    @rpc
    def reconcile_interaction_counts(self, cursor=None, limit=1000):
        self.principal.require("admin")
        with self.db.read_only() as session:
            return reconcile.interaction_counts(session, cursor, limit)
