"""The bulk deal import (sales, admin only): a batch of deals with their stage history at
their business times, idempotent by each row's external_ref; per-row results."""
from gateway.routing import BODY, Route
from gateway.settings import API_PREFIX as API

ROUTES = [
    Route("POST", f"{API}/deals/import", "sales", "import_deals", args=(BODY,), body="json",
          roles=("admin",), tag="deals", request_schema="sales:DealImport",
          response_schema="sales:DealImportResult",
          summary="Import up to 500 deals with their stage history (admin): each row is created "
                  "at its business times with the live events, reported already_imported when "
                  "its external_ref was imported before, or rejected with its field errors"),
]
