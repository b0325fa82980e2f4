"""The audit trail (audit): who changed which field of which record, when, from what to what —
per record, per customer (the customer and its contacts, deals, documents, tasks and tickets),
per user, in a time range, newest first; each caller sees the history of the records they may
see."""
from gateway.routing import QUERY, Route, path
from gateway.settings import API_PREFIX as API

TAG = "audit"


def _route(method, url, rpc, **options):
    return Route(method, url, "audit", rpc, tag=TAG, response_schema="audit:AuditEntry",
                 response_page=True, **options)


ROUTES = [
    _route("GET", f"{API}/audit", "list_changes", args=(QUERY,), query="audit:AuditQuery",
           summary="Changes of the records you may see: per record (record_type + record_id), "
                   "per user (actor_id), per field, in a time range; newest first"),
    _route("GET", f"{API}/customers/{{customer_id}}/history", "customer_history",
           args=(path("customer_id"), QUERY), query="audit:HistoryQuery",
           summary="A customer's change history with its contacts', deals', quotes', "
                   "contracts', orders', invoices', tasks' and tickets' (the interactions are "
                   "/customers/{customer_id}/interactions); newest first"),
]
