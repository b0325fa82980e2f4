"""What each consumed event says about which record: the audited record types, the fields kept
of each, and one reader per event type turning a payload into observations.

Payloads are read tolerantly (a field a producer adds is ignored, one it drops is simply not
observed); the fields read here are checked against the producers' schemas by
tests/contract/test_audit_consumes.py. Nothing secret is kept: identity's events never carry a
password hash, and a new password is recorded as "password changed" without values.
"""
from dataclasses import dataclass, field

# The fields kept per record type (its audited state). Ids, timestamps of the row itself and
# derived figures (a deal's probability is its stage's, audited on the stage) are left out.
TRACKED = {
    "customer": ("kind", "name", "industry", "size", "annual_revenue", "currency", "region",
                 "address", "phone", "email", "website", "source", "lifecycle_stage",
                 "value_class", "owner_id", "parent_id", "tags", "merged_into"),
    "contact": ("customer_id", "name", "role", "birthday"),
    "lead": ("status", "source", "campaign", "company_name", "industry", "company_size",
             "region", "owner_id", "score", "disqualified_reason", "customer_id", "deal_id"),
    "deal": ("name", "customer_id", "owner_id", "stage", "amount", "currency",
             "expected_close_date", "lost_reason", "closed_at", "lines"),
    "quote": ("number", "deal_id", "status", "total", "currency", "valid_until", "lines"),
    "contract": ("number", "deal_id", "quote_id", "value", "currency", "starts_on", "ends_on",
                 "renewal_notice_days"),
    "order": ("number", "deal_id", "contract_id", "quote_id", "total", "currency", "lines"),
    "invoice": ("number", "deal_id", "order_id", "status", "total", "outstanding", "currency",
                "issued_on", "due_on", "overdue", "cancel_reason"),
    "task": ("title", "kind", "customer_id", "deal_id", "assignee_id", "due_at", "status",
             "completed_at"),
    "target": ("period_kind", "period_start", "period_end", "scope", "scope_value", "measure",
               "amount", "currency"),
    "product": ("name", "series", "list_price", "currency", "active"),
    "pipeline_stage": ("name", "probability", "position", "kind", "active"),
    "user": ("email", "name", "role", "team_id", "region", "manager_id", "active"),
}
RECORD_TYPES = tuple(TRACKED)
# Whose history it is: these are configuration or people, read by admins only; the rest
# follow their owner (services/audit/scopes.py).
ADMIN_ONLY = ("user", "product", "pipeline_stage")
DOCUMENTS = ("quote", "contract", "order", "invoice")       # scoped by their deal's owner


@dataclass
class Observation:
    """What one event says about one record: the tracked `values` it carries (after the change),
    whether it creates or removes the record, and `context` (owner, customer, deal) that decides
    who sees the history. `partial`: every value carried is a change (e.g. an assignment), so
    it is recorded even when the record was not known before. `changed`: the producer's own
    list; `withheld`: changed fields the event does not carry (recorded without values).
    `previous`: old values the event itself states (a stage move's from_stage)."""
    record_type: str
    record_id: str
    values: dict
    creates: bool = False
    removes: bool = False
    partial: bool = False
    changed: tuple = ()
    withheld: tuple = ()
    previous: dict = field(default_factory=dict)
    context: dict = field(default_factory=dict)


def pick(payload, record_type):
    return {name: payload[name] for name in TRACKED[record_type] if name in payload}


def _changed(payload):
    changed = payload.get("changed") or ()
    return tuple(changed), tuple(name for name in changed if name not in payload)


def whole(record_type, id_key="id", creates=False, extra=None, context=()):
    """A payload that is the whole record (+ `changed` on updates)."""
    def read(payload):
        changed, withheld = _changed(payload)
        values = {**pick(payload, record_type), **(extra(payload) if extra else {})}
        return [Observation(record_type, payload[id_key], values, creates=creates,
                            changed=changed, withheld=withheld,
                            context={key: payload.get(key) for key in context})]
    return read


def partial(record_type, id_key, values, context=()):
    """A payload that changes a few fields: `values(payload)` → {field: new value}."""
    def read(payload):
        return [Observation(record_type, payload[id_key], values(payload), partial=True,
                            context={key: payload.get(key) for key in context})]
    return read


def nothing(_payload):
    return []


def _password(payload):
    if payload.get("reason") != "password_changed":
        return []               # logout, deactivation, access change: no field of the record
    return [Observation("user", payload["user_id"], {}, changed=("password",),
                        withheld=("password",))]


def _merged(payload):
    return [Observation("customer", payload["loser_id"], {"merged_into": payload["winner_id"]},
                        partial=True),
            Observation("customer", payload["winner_id"], {"tags": sorted(payload["tags"])},
                        partial=True)]


def _stage_moved(payload):
    return [Observation("deal", payload["deal_id"], {"stage": payload["to_stage"]}, partial=True,
                        previous={"stage": payload.get("from_stage")},
                        context={"owner_id": payload.get("owner_id")})]


def _target_removed(payload):
    return [Observation("target", payload["id"], {}, removes=True)]


DOCUMENT_CONTEXT = ("owner_id", "customer_id", "deal_id")

READERS = {
    # identity
    "user_created": whole("user", creates=True),
    "user_updated": whole("user"),
    "user_deactivated": whole("user"),
    "user_tokens_revoked": _password,
    # customers
    "customer_created": whole("customer", creates=True, extra=lambda p: {"tags": []}),
    "customer_updated": whole("customer"),
    "customer_assigned": partial("customer", "id", lambda p: {"owner_id": p.get("owner_id")}),
    "customer_tagged": partial("customer", "customer_id", lambda p: {"tags": sorted(p["tags"])}),
    "customer_merged": _merged,
    "contact_added": whole("contact", creates=True, context=("owner_id",)),
    "interaction_logged": nothing,          # a timeline entry of its own, not a change
    # sales: leads, deals, the pipeline, products
    "lead_created": whole("lead", creates=True),
    "lead_updated": whole("lead"),
    "lead_converted": partial("lead", "lead_id", lambda p: {"customer_id": p["customer_id"],
                                                            "deal_id": p["deal_id"]}),
    "deal_created": whole("deal", creates=True),
    "deal_updated": whole("deal"),
    "deal_stage_changed": _stage_moved,
    "deal_won": whole("deal"),
    "deal_lost": whole("deal"),
    "pipeline_stage_updated": whole("pipeline_stage", id_key="key"),
    "product_created": whole("product", creates=True),
    "product_updated": whole("product"),
    # sales: documents and cash (scoped by their deal's owner)
    "quote_created": whole("quote", creates=True, context=DOCUMENT_CONTEXT),
    **{name: whole("quote", context=DOCUMENT_CONTEXT)
       for name in ("quote_sent", "quote_accepted", "quote_rejected", "quote_expired")},
    "contract_signed": whole("contract", creates=True, context=DOCUMENT_CONTEXT),
    "contract_renewal_due": nothing,        # a reminder, nothing of the contract changes
    "order_placed": whole("order", creates=True, context=DOCUMENT_CONTEXT),
    "invoice_issued": whole("invoice", creates=True, context=DOCUMENT_CONTEXT, extra=lambda p: {
        "outstanding": p["total"], "overdue": False, "cancel_reason": None}),
    "payment_received": partial("invoice", "invoice_id", lambda p: {
        "status": p["invoice_status"], "outstanding": p["outstanding_after"]},
        context=DOCUMENT_CONTEXT),
    "invoice_overdue": partial("invoice", "id", lambda p: {"overdue": True},
                               context=DOCUMENT_CONTEXT),
    "invoice_cancelled": partial("invoice", "id", lambda p: {
        "status": "cancelled", "cancel_reason": p.get("reason")}, context=DOCUMENT_CONTEXT),
    # sales: tasks and targets
    "task_created": whole("task", creates=True),
    "task_updated": whole("task"),
    "task_completed": whole("task"),
    "task_due": nothing,                    # a notice; the task itself does not change
    "target_set": whole("target", creates=True),
    "target_removed": _target_removed,
    "target_at_risk": nothing,
}


def observe(envelope):
    """The observations of one event (none for a type that changes no record)."""
    read = READERS.get(envelope["event_type"])
    return read(envelope["payload"]) if read else []


def placement(record_type, state, context):
    """Who may read the record's history: {scope, owner_id, region, customer_id, deal_id}."""
    place = {"scope": "owner", "owner_id": state.get("owner_id"), "region": None,
             "customer_id": state.get("customer_id"), "deal_id": state.get("deal_id")}
    if record_type in ADMIN_ONLY:
        place.update(scope="admin", owner_id=None)
    elif record_type == "task":
        place["owner_id"] = state.get("assignee_id")
    elif record_type == "target":
        scope, value = state.get("scope"), state.get("scope_value")
        place.update(scope=f"target_{scope}", owner_id=value if scope == "rep" else None,
                     region=value if scope == "region" else None)
    elif record_type == "customer":
        place["customer_id"] = None         # the customer itself (its id is the record's)
    for key in ("owner_id", "customer_id", "deal_id"):
        if context.get(key) is not None:
            place[key] = context[key]
    return place
