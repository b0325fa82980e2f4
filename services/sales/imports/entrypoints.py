"""The bulk deal import (admin only): a mixin of SalesService (it provides db, principal,
services). The customers a batch names are resolved by customers first, outside the
transaction (as create_deal does), then one transaction imports the batch."""
from sqlalchemy.exc import IntegrityError

from services.chassis.errors import Conflict, NotFound
from services.chassis.rpc import rpc  # replies without confirms
from services.sales import settings
from services.sales.imports import handlers as deal_import


class DealImportEntrypoints:
    @rpc
    def import_deals(self, data):
        principal = self.principal.require("admin")
        customers = {customer_id: self._customer_or_none(customer_id)
                     for customer_id in deal_import.customer_ids(data)}
        try:
            with self.db.unit_of_work(actor=principal.user_id) as uow:
                return deal_import.import_deals(uow, principal, data, customers)
        except IntegrityError:
            # Another call imported some of the same references meanwhile (a client retrying
            # after a timeout while its first call was still running): nothing of this one
            # was kept; sent again, those rows answer already_imported.
            raise Conflict("Some of these rows were imported by a concurrent call; send the "
                           "batch again.", {"rows": "concurrent import"})

    def _customer_or_none(self, customer_id):
        """The id customers knows the customer by (a merged one's winner), or None."""
        try:
            return self.services.call("customers", "get_customer", customer_id,
                                      timeout=settings.customers_timeout())["id"]
        except NotFound:
            return None
