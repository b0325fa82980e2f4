"""Quotes, contracts and orders (sales). Quotes: made from a deal you can see, numbered
Q-<year>-00001 without gaps; only a draft changes; draft → sent → accepted | rejected, expired when
valid_until passes while sent.
Scopes are the service's (the deal's owner): another rep's quote is a 404; an illegal
transition or accepting an expired quote is a 409. Contracts come from an accepted quote or a
won deal, orders from a contract, an accepted quote or a won deal (an open / lost deal: 409)."""
from gateway.routing import BODY, QUERY, Route, path
from gateway.settings import API_PREFIX as API

TAG = "quotes"
QUOTE, QUOTE_ID = f"{API}/quotes/{{quote_id}}", path("quote_id")
WRITERS = ("sales_rep", "manager")              # admin always; the service checks again


def _route(method, url, rpc, tag=TAG, **options):
    return Route(method, url, "sales", rpc, tag=tag, **options)


def _transition(verb, rpc, summary):
    return _route("POST", f"{QUOTE}/{verb}", rpc, args=(QUOTE_ID,), roles=WRITERS,
                  response_schema="sales:Quote", summary=summary)


ROUTES = [
    _route("POST", f"{API}/deals/{{deal_id}}/quotes", "create_quote",
           args=(path("deal_id"), BODY), body="json", roles=WRITERS, status=201,
           location=f"{API}/quotes/{{id}}", request_schema="sales:QuoteCreate",
           response_schema="sales:Quote",
           summary="Make a draft quote from a deal (its lines unless lines are given; valid for "
                   "SALES_QUOTE_VALIDITY_DAYS)"),
    _route("GET", f"{API}/quotes", "list_quotes", args=(QUERY,),
           query="sales:QuoteQuery",
           response_schema="sales:Quote", response_page=True,
           summary="Quotes in your scope, newest first"),
    _route("GET", QUOTE, "get_quote", args=(QUOTE_ID,), response_schema="sales:Quote",
           summary="A quote with its lines"),
    _route("PATCH", QUOTE, "update_quote", args=(QUOTE_ID, BODY), body="json", roles=WRITERS,
           request_schema="sales:QuoteUpdate", response_schema="sales:Quote",
           summary="Change a draft quote's lines or validity (409 once sent)"),
    _transition("send", "send_quote", "Send a draft quote (makes the follow-up task; the deal "
                                      "does not move)"),
    _transition("accept", "accept_quote", "Accept a sent quote (409 if expired)"),
    _transition("reject", "reject_quote", "Reject a sent quote"),
    _route("POST", f"{API}/contracts", "sign_contract", args=(BODY,), body="json",
           roles=WRITERS, tag="contracts", status=201, location=f"{API}/contracts/{{id}}",
           request_schema="sales:ContractCreate", response_schema="sales:Contract",
           summary="Sign a contract from an accepted quote or a won deal (ends_on or "
                   "term_months; renewal reminder renewal_notice_days before the end)"),
    _route("GET", f"{API}/contracts", "list_contracts", args=(QUERY,),
           query="sales:DocumentQuery", response_schema="sales:Contract", response_page=True,
           summary="Contracts in your scope, newest first", tag="contracts"),
    _route("GET", f"{API}/contracts/{{contract_id}}", "get_contract",
           args=(path("contract_id"),), response_schema="sales:Contract",
           summary="A contract", tag="contracts"),
    _route("POST", f"{API}/orders", "place_order", args=(BODY,), body="json", roles=WRITERS,
           status=201, location=f"{API}/orders/{{id}}", request_schema="sales:OrderCreate",
           response_schema="sales:Order",
           summary="Place an order from a contract, an accepted quote or a won deal (lines "
                   "copied; open / lost deal: 409)", tag="orders"),
    _route("GET", f"{API}/orders", "list_orders", args=(QUERY,), query="sales:DocumentQuery",
           response_schema="sales:Order", response_page=True,
           summary="Orders in your scope, newest first", tag="orders"),
    _route("GET", f"{API}/orders/{{order_id}}", "get_order", args=(path("order_id"),),
           response_schema="sales:Order", summary="An order with its lines", tag="orders"),
]
