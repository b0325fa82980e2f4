"""Procurement (procurement): supplier selection and purchase contracts — a buyer asks several
active suppliers to quote for an approved purchase request, records each offer (every request
line priced once, in the request's currency), compares them side by side (the lowest marked)
and chooses one with the reason (the others declined), or withdraws one before the choice; a
purchase contract, numbered PC-<year>-NNNNN, is made from the chosen offer and cancelled while
no order is under it. Buyers write; quotations and contracts are read by whoever sees their
request (the service scopes every read: out of scope is a 404)."""
from gateway.routes.procurement import ANYONE, BASE, BUYERS, REQUEST, REQUEST_ID
from gateway.routing import BODY, QUERY, Route, path

QUOTATION = f"{BASE}/quotations/{{quotation_id}}"
QUOTATION_ID = path("quotation_id")
CONTRACTS = f"{BASE}/purchase-contracts"
CONTRACT = f"{CONTRACTS}/{{contract_id}}"
CONTRACT_ID = path("contract_id")
QUOTATIONS_TAG, CONTRACTS_TAG = "procurement quotations", "procurement purchase contracts"


def _quotation(method, url, rpc, **options):
    return Route(method, url, "procurement", rpc, tag=QUOTATIONS_TAG, **options)


def _contract(method, url, rpc, **options):
    return Route(method, url, "procurement", rpc, tag=CONTRACTS_TAG, **options)


ROUTES = [
    _quotation("POST", f"{REQUEST}/quotations", "request_quotations", args=(REQUEST_ID, BODY),
               body="json", roles=BUYERS, status=201,
               request_schema="procurement:QuotationsRequest",
               response_schema="procurement:Quotation", response_many=True, errors=(409,),
               summary="Ask suppliers to quote for an approved request: each active (on hold "
                       "or blocked: 409) and asked once (again: 409 naming the quotation); "
                       "not approved, or a quotation already chosen: 409. All or nothing"),
    _quotation("GET", f"{REQUEST}/quotations", "list_quotations", args=(REQUEST_ID,),
               roles=ANYONE, response_schema="procurement:Quotation", response_many=True,
               summary="The request's quotations with their offers, in the order asked"),
    _quotation("GET", f"{REQUEST}/quotations/comparison", "compare_quotations",
               args=(REQUEST_ID,), roles=ANYONE,
               response_schema="procurement:QuotationComparison",
               summary="The offers side by side: per quotation its total, delivery date, "
                       "validity and the supplier's score, the lowest total marked; per "
                       "request line every offer, the lowest unit price marked"),
    _quotation("GET", QUOTATION, "get_quotation", args=(QUOTATION_ID,), roles=ANYONE,
               response_schema="procurement:Quotation",
               summary="One quotation with its offer"),
    _quotation("PUT", f"{QUOTATION}/offer", "record_quotation_offer",
               args=(QUOTATION_ID, BODY), body="json", roles=BUYERS,
               request_schema="procurement:OfferRecord",
               response_schema="procurement:Quotation", errors=(409,),
               summary="Record the supplier's offer (again while no choice is made: it "
                       "replaces the last; the same offer changes nothing): every request line "
                       "priced once, in the request's currency; decided or withdrawn: 409"),
    _quotation("POST", f"{QUOTATION}/choose", "choose_quotation", args=(QUOTATION_ID, BODY),
               body="json", roles=BUYERS, request_schema="procurement:QuotationChoice",
               response_schema="procurement:Quotation", errors=(409,),
               summary="Choose this received offer, saying why: the request's other open "
                       "quotations are declined; a second choice, an offer not received or "
                       "past its valid_until, a supplier no longer active: 409"),
    _quotation("POST", f"{QUOTATION}/withdraw", "withdraw_quotation",
               args=(QUOTATION_ID, BODY), body="json", roles=BUYERS,
               request_schema="procurement:QuotationWithdrawal",
               response_schema="procurement:Quotation", errors=(409,),
               summary="Withdraw a requested or received quotation before the choice; "
                       "decided: 409"),
    _contract("GET", CONTRACTS, "list_purchase_contracts", args=(QUERY,),
              query="procurement:PurchaseContractQuery", roles=ANYONE,
              response_schema="procurement:PurchaseContract", response_page=True,
              summary="The purchase contracts of the requests you may see, newest first: by "
                      "supplier, request, status"),
    _contract("POST", CONTRACTS, "create_purchase_contract", args=(BODY,), body="json",
              roles=BUYERS, status=201, location=f"{CONTRACTS}/{{id}}",
              request_schema="procurement:PurchaseContractCreate",
              response_schema="procurement:PurchaseContract", errors=(409,),
              summary="Make the contract of an approved request from its chosen offer "
                      "(numbered PC-<year>-NNNNN; payment terms default to the supplier's); "
                      "no offer chosen, the supplier not active, or a contract already made "
                      "(409 naming it)"),
    _contract("GET", CONTRACT, "get_purchase_contract", args=(CONTRACT_ID,), roles=ANYONE,
              response_schema="procurement:PurchaseContract",
              summary="One purchase contract with its lines"),
    _contract("POST", f"{CONTRACT}/cancel", "cancel_purchase_contract", args=(CONTRACT_ID,),
              roles=BUYERS, response_schema="procurement:PurchaseContract", errors=(409,),
              summary="Cancel an active contract no order is placed under; otherwise 409"),
]
