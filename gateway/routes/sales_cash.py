"""Invoices and payments received (sales): the sales side's receivables. Scopes are the
service's (the deal's owner: a rep sees their own, a manager their team's); another rep's
invoice is a 404. Money is a string with two decimals; a payment above the balance is a 422,
the same client reference twice on an invoice a 409."""
from gateway.routing import BODY, QUERY, Route, path
from gateway.settings import API_PREFIX as API

TAG = "invoices"
INVOICE, INVOICE_ID = f"{API}/invoices/{{invoice_id}}", path("invoice_id")
WRITERS = ("sales_rep", "manager")              # admin always; the service checks again


def _route(method, url, rpc, **options):
    return Route(method, url, "sales", rpc, tag=TAG, **options)


ROUTES = [
    _route("GET", f"{API}/invoices", "list_invoices", args=(QUERY,), query="sales:InvoiceQuery",
           response_schema="sales:Invoice", response_page=True,
           summary="Invoices in your scope, newest first (overdue=true: past due with a balance)"),
    _route("POST", f"{API}/invoices", "issue_invoice", args=(BODY,), body="json", roles=WRITERS,
           status=201, location=f"{API}/invoices/{{id}}", request_schema="sales:InvoiceCreate",
           response_schema="sales:InvoiceDetail",
           summary="Issue an invoice from an order (order_id: its lines) or a won deal "
                   "(deal_id: its lines) — exactly one; numbered INV-<year>-00001, due after "
                   "the payment terms"),
    _route("GET", f"{API}/invoices/overdue", "list_overdue_invoices", args=(QUERY,),
           query="sales:OverdueInvoiceQuery",
           response_schema="sales:Invoice", response_page=True,
           summary="Overdue invoices in your scope: past their due date (UTC) with a balance"),
    _route("GET", INVOICE, "get_invoice", args=(INVOICE_ID,),
           response_schema="sales:InvoiceDetail",
           summary="An invoice with its payments and outstanding balance"),
    _route("POST", f"{INVOICE}/cancel", "cancel_invoice", args=(INVOICE_ID, BODY), body="json",
           roles=WRITERS, request_schema="sales:InvoiceCancel",
           response_schema="sales:InvoiceDetail",
           summary="Cancel an invoice while nothing is paid (with a reason)"),
    _route("GET", f"{INVOICE}/payments", "list_payments", args=(INVOICE_ID,),
           response_schema="sales:Payment", response_many=True,
           summary="The payments received against an invoice, oldest first"),
    _route("POST", f"{INVOICE}/payments", "record_payment", args=(INVOICE_ID, BODY), body="json",
           roles=WRITERS, status=201, request_schema="sales:PaymentCreate",
           response_schema="sales:PaymentResult",
           summary="Record a payment received: at most the outstanding balance (422); a client "
                   "reference is accepted once per invoice (409)"),
]
