"""Customers, tags, contacts, interactions, imports and exports (customers)."""
from gateway import imports
from gateway.routing import BODY, QUERY, Route, field, path, query
from gateway.settings import API_PREFIX as API

TAG = "customers"
C = f"{API}/customers"
ONE = f"{C}/{{customer_id}}"
CUSTOMER_ID = path("customer_id")


def _route(method, url, rpc, **options):
    options.setdefault("tag", TAG)
    return Route(method, url, "customers", rpc, **options)


ROUTES = [
    _route("GET", C, "list_customers", args=(QUERY,), query="customers:ListQuery",
           response_schema="customers:Customer", response_page=True,
           summary="List and filter the customers you may see"),
    _route("POST", C, "create_customer", args=(BODY,), kwargs={"force": query("force")},
           query="customers:CreateOptions", body="json", status=201, location=f"{C}/{{id}}",
           request_schema="customers:CustomerCreate", response_schema="customers:Customer",
           summary="Create a customer; a duplicate is a 409 unless ?force=true"),
    _route("GET", ONE, "get_customer", args=(CUSTOMER_ID,), response_schema="customers:Customer",
           summary="A customer (a merged id answers the winner, with redirected_from)"),
    _route("PATCH", ONE, "update_customer", args=(CUSTOMER_ID, BODY), body="json",
           request_schema="customers:CustomerUpdate", response_schema="customers:Customer",
           summary="Change a customer; partial (owner_id: use /assign)"),
    _route("POST", f"{ONE}/assign", "assign_customer", args=(CUSTOMER_ID, field("owner_id")),
           body="json", body_schema="customers:Assign", response_schema="customers:Customer",
           summary="Assign a customer to an owner (manager within team, admin)"),
    _route("POST", f"{C}/merge", "merge_customers",
           args=(field("winner_id"), field("loser_id")), body="json", body_schema="customers:Merge",
           response_schema="customers:Customer", summary="Merge loser into winner"),
    _route("GET", f"{API}/tags", "list_tags", response_schema="customers:Tag",
           response_many=True, summary="List tags"),
    _route("POST", f"{API}/tags", "create_tag", args=(BODY,), body="json", status=201,
           request_schema="customers:TagCreate", response_schema="customers:Tag",
           summary="Create a tag"),
    _route("POST", f"{C}/tags", "tag_customers", args=(field("customer_ids"), field("tags")),
           body="json", body_schema="customers:BulkTag", summary="Attach tags to many customers"),
    _route("DELETE", f"{C}/tags", "untag_customers", args=(field("customer_ids"), field("tags")),
           body="json", body_schema="customers:BulkTag", summary="Detach tags from many customers"),
    _route("GET", f"{ONE}/contacts", "list_contacts", args=(CUSTOMER_ID,),
           response_schema="customers:Contact", response_many=True,
           summary="A customer's contacts"),
    _route("POST", f"{ONE}/contacts", "add_contact", args=(CUSTOMER_ID, BODY), body="json",
           status=201, request_schema="customers:ContactCreate",
           response_schema="customers:Contact", summary="Add a contact person"),
    _route("GET", f"{ONE}/interactions", "get_timeline",
           args=(CUSTOMER_ID, query("cursor"), query("limit")), query="customers:TimelineQuery",
           response_schema="customers:TimelineItem", response_page=True,
           summary="A customer's whole history, newest first: interactions, campaign touches, "
                   "tickets, surveys, follow-ups"),
    _route("POST", f"{ONE}/interactions", "log_interaction", args=(CUSTOMER_ID, BODY),
           body="json", status=201, request_schema="customers:InteractionCreate",
           response_schema="customers:Interaction", summary="Log a call, email, meeting or note"),
    _route("POST", f"{C}/imports", None, handler=imports.upload, body="csv_stream", status=202,
           location=f"{C}/imports/{{id}}", response_schema="customers:ImportJob",
           operation_id="start_import",
           summary="Start a CSV import (text/csv body, streamed: up to IMPORT_MAX_BYTES); poll the job"),
    _route("GET", f"{C}/imports/{{job_id}}", "get_import", args=(path("job_id"),),
           response_schema="customers:ImportJob",
           summary="An import job: progress and its first 1000 row errors"),
    _route("GET", f"{C}/imports/{{job_id}}/rows", "list_import_rows", args=(path("job_id"), QUERY),
           query="customers:ImportRowsQuery", response_schema="customers:ImportRowReport",
           response_page=True, summary="An import job's rows of one status (created, duplicate, "
                                       "failed, pending), in row order, a page at a time"),
    _route("GET", f"{C}/export", "export_customers", args=(QUERY,), kwargs={"with_meta": lambda call: True},
           query="customers:ExportQuery", produces="csv",
           summary="Export the customers you may see as CSV (X-Export-Truncated says if capped)"),
]
