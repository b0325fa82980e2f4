"""Reading purchase requests within the caller's scope (requests/scopes.py): one, or a page
newest first by status, requester, or the role whose step is pending (`awaiting=manager`: what
managers have to decide)."""
import json

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.validation import load
from services.procurement.requests import schemas, scopes, statuses
from services.procurement.requests.handlers.record import dump, dump_many
from services.procurement.requests.models import PurchaseRequest, PurchaseRequestStep


def get_request(session, principal, request_id):
    return dump(session, scopes.one(session, principal, request_id))


def list_requests(session, principal, query=None):
    filters = load(schemas.RequestQuery, query or {})
    statement = select(PurchaseRequest).where(scopes.condition(principal))
    if filters.get("status"):
        statement = statement.where(PurchaseRequest.status == filters["status"])
    if filters.get("requester_id"):
        statement = statement.where(PurchaseRequest.requester_id == filters["requester_id"])
    if filters.get("awaiting"):
        statement = statement.where(PurchaseRequest.id.in_(
            select(PurchaseRequestStep.request_id).where(
                PurchaseRequestStep.status == statuses.STEP_PENDING,
                PurchaseRequestStep.role == filters["awaiting"])))
    scope = "purchase-requests:" + json.dumps({k: v for k, v in filters.items()
                                               if k not in ("cursor", "limit")}, sort_keys=True)
    return pagination.newest_first(session, statement, PurchaseRequest, filters, scope,
                                   dump_many)
