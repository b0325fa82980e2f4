"""Customer 360 (issue 17 §8): one answer gathering what every service knows of a customer.

Each part is the owning service's existing RPC, called in parallel with the caller's principal
(so every part is scoped by its own service: a rep sees what a rep may) and a short deadline of
its own (CUSTOMER_360_PART_TIMEOUT_SECONDS). A part whose service is down, slow or refuses the
caller is `{"available": false, "reason": …}`; the rest still answer. Lists carry their first
page and `next_cursor` for the part's own list endpoint. The customer not visible: 404.
"""
import logging
from dataclasses import dataclass
from typing import Callable

import eventlet
from marshmallow import Schema, fields

from gateway.routing import Route, resolve_schema
from gateway.settings import API_PREFIX as API
from services.chassis.errors import CrmError, NotFound

log = logging.getLogger(__name__)
PAGE = 20       # each list part's first page; the rest through the part's own endpoint


@dataclass(frozen=True)
class Part:
    name: str
    service: str
    rpc: str
    arguments: Callable           # customer id → positional arguments
    schema: str                   # "service:Schema" of one record
    kind: str = "page"            # "one" record | "list" (a bare list) | "page" ({items, next_cursor})


def _filtered(customer_id):
    return ({"customer_id": customer_id, "limit": PAGE},)


PARTS = (
    Part("customer", "customers", "get_customer", lambda cid: (cid,), "customers:Customer", "one"),
    Part("contacts", "customers", "list_contacts", lambda cid: (cid,), "customers:Contact", "list"),
    Part("interactions", "customers", "get_timeline", lambda cid: (cid, None, PAGE),
         "customers:TimelineItem"),
    Part("deals", "sales", "list_deals", _filtered, "sales:Deal"),
    Part("quotes", "sales", "list_quotes", _filtered, "sales:Quote"),
    Part("orders", "sales", "list_orders", _filtered, "sales:Order"),
    Part("invoices", "sales", "list_invoices", _filtered, "sales:Invoice"),
    Part("tasks", "sales", "list_tasks", _filtered, "sales:Task"),
    Part("tickets", "service_desk", "list_tickets", _filtered, "service_desk:Ticket"),
    # marketing's view of the customer and its contacts: consent, segments' fields, behaviour;
    # the touches themselves (sent, opened, clicked, responded) are on `interactions`
    Part("campaign_touches", "marketing", "list_audience", _filtered,
         "marketing:AudienceMember"),
)


def _shaped(part, answer):
    if part.kind == "one":
        return {"available": True, "record": answer}
    if part.kind == "list":
        return {"available": True, "items": answer, "next_cursor": None}
    return {"available": True, "items": answer["items"], "next_cursor": answer.get("next_cursor")}


def _unavailable(part, exc):
    if isinstance(exc, CrmError) and exc.http_status in (401, 403):
        return {"available": False, "reason": f"not permitted: {exc.message}"}
    if isinstance(exc, CrmError) and exc.http_status >= 500:
        return {"available": False, "reason": f"{part.service} unavailable: {exc.message}"}
    if isinstance(exc, CrmError):
        return {"available": False, "reason": exc.message}
    log.exception("customer 360: the %s part failed", part.name)
    return {"available": False, "reason": f"{part.service} failed"}


def gather(gateway, request, call):
    customer_id = call.path["customer_id"]
    timeout = gateway.runtime.settings.customer_360_part_timeout
    failures = {}

    def fetch(part):
        try:
            answer = gateway.services.call(part.service, part.rpc, *part.arguments(customer_id),
                                           timeout=timeout)
            return part.name, _shaped(part, answer)
        except Exception as exc:                  # one part's failure is that part's answer
            failures[part.name] = exc
            return part.name, _unavailable(part, exc)

    pool = eventlet.GreenPool(len(PARTS))
    answer = dict(pool.imap(fetch, PARTS))
    if isinstance(failures.get("customer"), NotFound):
        raise failures["customer"]                # not visible to the caller: nothing of it
    return 200, {"customer_id": customer_id, **answer}


# --- the API document -------------------------------------------------------------------------

def _part_schema(part):
    record = fields.Nested(resolve_schema(part.schema))
    members = {"available": fields.Boolean(required=True),
               "reason": fields.String(metadata={"description": "why the part is missing "
                                                                "(service down or slow, not "
                                                                "permitted)"})}
    if part.kind == "one":
        members["record"] = record
    else:
        members["items"] = fields.List(record)
        members["next_cursor"] = fields.String(allow_none=True, metadata={
            "description": "the part's own list endpoint's cursor for more"})
    title = "".join(word.title() for word in part.name.split("_"))
    return Schema.from_dict(members, name=f"Customer360{title}")


Customer360 = Schema.from_dict(
    {"customer_id": fields.String(required=True),
     **{part.name: fields.Nested(_part_schema(part), required=True) for part in PARTS}},
    name="Customer360")

ROUTES = [
    Route("GET", f"{API}/customers/{{customer_id}}/360", handler=gather, tag="customers",
          response_schema=Customer360, operation_id="get_customer_360",
          summary="Everything known of a customer, gathered in parallel from every service and "
                  "scoped by each: contacts, interactions, deals, quotes, orders, invoices, "
                  "tasks, tickets, marketing; a part whose service is down is "
                  "{available: false, reason}"),
]
