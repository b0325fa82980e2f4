"""Procurement (procurement): the supplier book — create (a duplicate is a 409 naming it unless
?force=true), list, read, change, status active / on_hold / blocked (with a reason; an illegal
move is a 409, unblocking is an admin's), documents' metadata, history; their evaluation —
criteria and threshold, a score per period or per finished order, the history of scores (under the threshold:
flagged); purchase requests — raised by anyone, changed while a draft, submitted, decided step
by step by the approval chain of their amount (the policy: admin), cancelled. Buyers keep the
supplier book and see every request; managers read suppliers and approve their team's
requests. The service enforces who may decide which step (403) and which requests one sees
(404)."""
from gateway.routing import BODY, QUERY, Route, path, query
from gateway.settings import API_PREFIX as API

BASE = f"{API}/procurement"
SUPPLIERS = f"{BASE}/suppliers"
SUPPLIER = f"{SUPPLIERS}/{{supplier_id}}"
SUPPLIER_ID = path("supplier_id")
REQUESTS = f"{BASE}/purchase-requests"
REQUEST = f"{REQUESTS}/{{request_id}}"
REQUEST_ID = path("request_id")
BUYERS = ("buyer",)                               # admin always; the service checks again
READERS = ("buyer", "manager")
APPROVERS = ("manager", "buyer")
ANYONE = ()                                       # every signed-in role
SUPPLIERS_TAG, EVALUATION_TAG, REQUESTS_TAG = ("procurement suppliers",
                                               "procurement evaluation",
                                               "procurement purchase requests")


def _route(method, url, rpc, tag, **options):
    return Route(method, url, "procurement", rpc, tag=tag, **options)


def _supplier(method, url, rpc, **options):
    return _route(method, url, rpc, SUPPLIERS_TAG, **options)


def _evaluation(method, url, rpc, **options):
    return _route(method, url, rpc, EVALUATION_TAG, **options)


def _request(method, url, rpc, **options):
    return _route(method, url, rpc, REQUESTS_TAG, **options)


ROUTES = [
    _supplier("GET", SUPPLIERS, "list_suppliers", args=(QUERY,), query="procurement:SupplierQuery",
              roles=READERS, response_schema="procurement:Supplier", response_page=True,
              summary="Suppliers, newest first: by status, category, flagged, name"),
    _supplier("POST", SUPPLIERS, "create_supplier", args=(BODY,), kwargs={"force": query("force")},
              query="procurement:CreateOptions", body="json", roles=BUYERS, status=201,
              location=f"{SUPPLIERS}/{{id}}", request_schema="procurement:SupplierCreate",
              response_schema="procurement:Supplier", errors=(409,),
              summary="Add a supplier (active); the same tax id, email or name (in the same "
                      "country) is a 409 naming it, unless ?force=true (then kept as "
                      "possible_duplicate_of)"),
    _supplier("GET", SUPPLIER, "get_supplier", args=(SUPPLIER_ID,), roles=READERS,
              response_schema="procurement:Supplier", summary="One supplier with its contacts"),
    _supplier("PATCH", SUPPLIER, "update_supplier", args=(SUPPLIER_ID, BODY), body="json",
              roles=BUYERS, request_schema="procurement:SupplierUpdate",
              response_schema="procurement:Supplier", errors=(409,),
              summary="Change its details (contacts: the whole list); a change that makes it "
                      "another supplier's duplicate: 409"),
    _supplier("POST", f"{SUPPLIER}/status", "change_supplier_status", args=(SUPPLIER_ID, BODY),
              body="json", roles=BUYERS, request_schema="procurement:SupplierStatusChange",
              response_schema="procurement:Supplier", errors=(409,),
              summary="active / on_hold / blocked (on hold and blocked say why); blocked goes "
                      "back to active only, by an admin; an illegal move: 409 naming the "
                      "allowed ones"),
    _supplier("POST", f"{SUPPLIER}/documents", "add_supplier_document",
              args=(SUPPLIER_ID, BODY), body="json", roles=BUYERS, status=201,
              request_schema="procurement:DocumentCreate", response_schema="procurement:Document",
              summary="Record a document's metadata (kind, title, file, where it is kept, "
                      "validity)"),
    _supplier("GET", f"{SUPPLIER}/documents", "list_supplier_documents",
              args=(SUPPLIER_ID, QUERY), query="procurement:PageQuery", roles=READERS,
              response_schema="procurement:Document", response_page=True,
              summary="Its documents' metadata, newest first"),
    _supplier("GET", f"{SUPPLIER}/history", "list_supplier_history", args=(SUPPLIER_ID, QUERY),
              query="procurement:PageQuery", roles=READERS,
              response_schema="procurement:SupplierChange", response_page=True,
              summary="Every change of the supplier, oldest first"),
    # evaluation
    _evaluation("GET", f"{BASE}/evaluation/criteria", "get_evaluation_criteria", roles=READERS,
                response_schema="procurement:Criteria",
                summary="The evaluation criteria with their weights, and the flag threshold"),
    _evaluation("PUT", f"{BASE}/evaluation/criteria", "set_evaluation_criteria", args=(BODY,),
                body="json", roles=BUYERS, request_schema="procurement:CriteriaSet",
                response_schema="procurement:Criteria",
                summary="Replace the criteria (each key once; weights relative) and the "
                        "threshold; evaluations already made keep the weights they had"),
    _evaluation("POST", f"{SUPPLIER}/evaluations", "evaluate_supplier", args=(SUPPLIER_ID, BODY),
                body="json", roles=BUYERS, status=201,
                request_schema="procurement:EvaluationCreate",
                response_schema="procurement:Evaluation", errors=(409,),
                summary="Score the supplier for a period, or for one of its orders once "
                        "received or closed (order_id; not finished: 409, not its order: 422); "
                        "each criterion 0-100, once, on-time delivery computed from the "
                        "receipts; the latest (period end, order's last receipt) is its score "
                        "— under the threshold it is flagged (hold_if_flagged: and put on "
                        "hold); the same period or order again: 409"),
    _evaluation("GET", f"{SUPPLIER}/evaluations", "list_supplier_evaluations",
                args=(SUPPLIER_ID, QUERY), query="procurement:PageQuery", roles=READERS,
                response_schema="procurement:Evaluation", response_page=True,
                summary="Its evaluations (the history of its score), newest first"),
    # purchase requests
    _request("GET", REQUESTS, "list_purchase_requests", args=(QUERY,),
             query="procurement:RequestQuery", roles=ANYONE,
             response_schema="procurement:PurchaseRequest", response_page=True,
             summary="The purchase requests you may see (your own; a manager's team's; buyers "
                     "all), newest first: by status, requester, the role awaited"),
    _request("POST", REQUESTS, "create_purchase_request", args=(BODY,), body="json",
             roles=ANYONE, status=201, location=f"{REQUESTS}/{{id}}",
             request_schema="procurement:RequestCreate",
             response_schema="procurement:PurchaseRequest",
             summary="Raise a purchase request (a draft, or submitted at once with "
                     "submit=true): lines with estimated prices in one currency"),
    _request("GET", REQUEST, "get_purchase_request", args=(REQUEST_ID,), roles=ANYONE,
             response_schema="procurement:PurchaseRequest",
             summary="One purchase request with its lines and approval steps"),
    _request("PATCH", REQUEST, "update_purchase_request", args=(REQUEST_ID, BODY), body="json",
             roles=ANYONE, request_schema="procurement:RequestUpdate",
             response_schema="procurement:PurchaseRequest", errors=(409,),
             summary="Change a draft (its requester; lines: the whole list); not a draft: 409"),
    _request("POST", f"{REQUEST}/submit", "submit_purchase_request", args=(REQUEST_ID,),
             roles=ANYONE, response_schema="procurement:PurchaseRequest", errors=(409,),
             summary="Submit a draft for approval: its chain is fixed by the policy for its "
                     "total; not a draft: 409"),
    _request("POST", f"{REQUEST}/cancel", "cancel_purchase_request", args=(REQUEST_ID,),
             roles=ANYONE, response_schema="procurement:PurchaseRequest", errors=(409,),
             summary="Cancel a draft or pending request (its requester); decided: 409"),
    _request("POST", f"{REQUEST}/approve", "approve_purchase_request", args=(REQUEST_ID, BODY),
             body="json", roles=APPROVERS, request_schema="procurement:ApprovalDecision",
             response_schema="procurement:PurchaseRequest", errors=(409,),
             summary="Approve its pending step (the step's role: a manager of the requester's "
                     "team, a buyer, an admin; never the requester nor who decided an earlier "
                     "step: 403); not pending: 409. Retried with its Idempotency-Key: once"),
    _request("POST", f"{REQUEST}/reject", "reject_purchase_request", args=(REQUEST_ID, BODY),
             body="json", roles=APPROVERS, request_schema="procurement:ApprovalDecision",
             response_schema="procurement:PurchaseRequest", errors=(409,),
             summary="Reject it at its pending step, with a comment (who may: as approve); "
                     "a rejected request is final and can never be ordered"),
    _request("GET", f"{BASE}/approval-policy", "get_approval_policy", roles=APPROVERS,
             response_schema="procurement:ApprovalPolicies",
             summary="The approval chain by amount, per currency (\"*\": any other)"),
    _request("PUT", f"{BASE}/approval-policy", "set_approval_policy", args=(BODY,),
             body="json", roles=("admin",), request_schema="procurement:ApprovalPolicySet",
             response_schema="procurement:ApprovalPolicies",
             summary="Replace the policy: per currency, tiers ascending by up_to (inclusive), "
                     "the last without a limit, and one for \"*\"; requests already submitted "
                     "keep their chain"),
]
