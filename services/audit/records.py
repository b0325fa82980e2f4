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
    # service_desk (a ticket's replies and notes are its conversation, not changes)
    "ticket": ("customer_id", "contact_id", "subject", "category", "priority", "channel",
               "team_id", "assignee_id", "tags", "status", "merged_into", "solution_article_id"),
    # marketing
    "campaign": ("name", "channel", "goal_metric", "goal_target", "currency", "budget",
                 "cost_total", "starts_at", "ends_at", "segment_ids", "exclude_segment_ids",
                 "owner_id", "status"),
    "segment": ("name", "kind", "rules", "include", "exclude"),
    "email_template": ("name", "subject"),
    "automation_rule": ("name", "trigger", "conditions", "actions", "delay_seconds", "enabled"),
    "consent": ("contact_id", "customer_id", "channel", "status", "reason", "source"),
    # procurement
    "supplier": ("name", "legal_name", "tax_id", "country", "categories", "payment_terms_days",
                 "currency", "status", "possible_duplicate_of", "flagged"),
    "purchase_request": ("requester_id", "requester_team_id", "title", "currency", "total",
                         "status", "lines"),
    "purchase_contract": ("number", "request_id", "quotation_id", "supplier_id", "currency",
                          "total", "payment_terms_days", "delivery_date", "lines", "status"),
    "purchase_order": ("number", "contract_id", "request_id", "supplier_id", "currency", "total",
                       "status", "expected_on", "lines", "accepted_value"),
    # webhooks (configuration)
    "webhook_subscription": ("active", "disabled_reason"),
}
RECORD_TYPES = tuple(TRACKED)
# Whose history it is (services/audit/scopes.py): these are configuration or people, read by
# admins only; sales' and customers' records follow their owner; the others' `SCOPES` mirror
# their producer's read rules.
ADMIN_ONLY = ("user", "product", "pipeline_stage", "webhook_subscription")
DOCUMENTS = ("quote", "contract", "order", "invoice")       # scoped by their deal's owner
SCOPES = {"ticket": "ticket", "campaign": "marketing", "segment": "marketing",
          "email_template": "marketing", "consent": "marketing",
          "automation_rule": "marketing_rules", "supplier": "supplier",
          "purchase_request": "purchase_request", "purchase_contract": "purchase_contract",
          "purchase_order": "purchase_order"}
# a procurement document's readers are its purchase request's (its `parent_id`)
UNDER_REQUEST = ("purchase_contract", "purchase_order")
# The producers' status values some events imply without carrying them (checked against the
# producer's statuses by tests/contract/test_audit_consumes.py)
REQUEST_STATUS = {"purchase_request_submitted": "pending_approval",
                  "purchase_request_approved": "approved",
                  "purchase_request_rejected": "rejected",
                  "purchase_request_cancelled": "cancelled"}
CONTRACT_STATUS_AT_CREATION = "active"
ORDER_ACCEPTED_AT_CREATION = "0.00"


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


def removed(record_type, id_key="id"):
    def read(payload):
        return [Observation(record_type, payload[id_key], {}, removes=True)]
    return read


def moved(record_type, id_key, field_name, from_key, to_key, context=()):
    """A status move that states both ends: the old value is the event's own."""
    def read(payload):
        return [Observation(record_type, payload[id_key], {field_name: payload[to_key]},
                            partial=True, previous={field_name: payload.get(from_key)},
                            context={key: payload.get(key) for key in context})]
    return read


def _ticket_assigned(payload):
    return [Observation("ticket", payload["ticket_id"], {
        "team_id": payload.get("team_id"), "assignee_id": payload.get("assignee_id")},
        partial=True, previous={"team_id": payload.get("previous_team_id"),
                                "assignee_id": payload.get("previous_assignee_id")},
        context={"customer_id": payload.get("customer_id")})]


def _ticket_escalated(payload):
    if not payload.get("escalated"):
        return []               # a breach that raised no priority changes no field
    return [Observation("ticket", payload["ticket_id"], {"priority": payload["priority"]},
                        partial=True, previous={"priority": payload.get("previous_priority")},
                        context={"customer_id": payload.get("customer_id")})]


def _consent(payload):
    """One record per contact and channel (a contact's consent to be mailed, called, …)."""
    return [Observation("consent", f"{payload['contact_id']}:{payload['channel']}",
                        pick(payload, "consent"), partial=True,
                        previous={"status": payload.get("previous_status")},
                        context={"customer_id": payload.get("customer_id")})]


def _request_status(event_type):
    """A decision or a cancellation: the status it implies (a cancellation states the old)."""
    status = REQUEST_STATUS[event_type]

    def read(payload):
        previous = {"status": payload["from_status"]} if payload.get("from_status") else {}
        return [Observation("purchase_request", payload["request_id"], {"status": status},
                            partial=True, previous=previous)]
    return read


def _subscription_disabled(payload):
    return [Observation("webhook_subscription", payload["id"], {
        "active": False, "disabled_reason": payload.get("reason")}, partial=True)]


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
    # reporting: a derived signal about a customer, not a change of it
    "customer_at_risk": nothing,
    # service_desk: tickets
    "ticket_created": whole("ticket", creates=True),
    "ticket_updated": whole("ticket"),
    "ticket_assigned": _ticket_assigned,
    "ticket_status_changed": moved("ticket", "ticket_id", "status", "from_status", "to_status",
                                   context=("customer_id",)),
    "ticket_merged": partial("ticket", "source_id", lambda p: {"merged_into": p["target_id"]},
                             context=("customer_id",)),
    "ticket_sla_breached": _ticket_escalated,
    "ticket_solution_linked": lambda p: [Observation(
        "ticket", p["ticket_id"], {"solution_article_id": p.get("article_id")}, partial=True,
        previous={"solution_article_id": p.get("previous_article_id")},
        context={"customer_id": p.get("customer_id")})],
    **{name: nothing for name in (                 # conversation, notices, surveys
        "ticket_replied", "ticket_note_added", "ticket_sla_warning", "survey_sent",
        "survey_answered", "survey_escalated")},
    # service_desk: not audited yet (see docs/contracts.md#audit): follow-ups, the knowledge
    # base and the desk's configuration (routing, availability, SLA calendars and policies)
    **{name: nothing for name in (
        "followup_scheduled", "followup_completed", "followup_cancelled", "followup_updated",
        "kb_article_created", "kb_article_updated", "kb_article_status_changed",
        "routing_rules_replaced", "team_routing_changed", "agent_availability_changed",
        "sla_calendar_set", "sla_policy_set")},
    # marketing: campaigns, segments, templates, automation rules, consent
    "campaign_created": whole("campaign", creates=True),
    "campaign_updated": whole("campaign"),
    "campaign_status_changed": whole("campaign"),
    "campaign_cost_recorded": partial("campaign", "campaign_id",
                                      lambda p: {"cost_total": p["cost_total"]}),
    "campaign_cost_removed": partial("campaign", "campaign_id",
                                     lambda p: {"cost_total": p["cost_total"]}),
    "segment_created": whole("segment", creates=True),
    "segment_updated": whole("segment"),
    "segment_deleted": removed("segment"),
    "email_template_created": whole("email_template", creates=True),
    "email_template_updated": whole("email_template"),
    "email_template_deleted": removed("email_template"),
    "automation_rule_created": whole("automation_rule", creates=True),
    "automation_rule_updated": whole("automation_rule"),
    "consent_changed": _consent,
    **{name: nothing for name in (                 # sending, tracking, responses, attribution
        "campaign_send_started", "campaign_send_batch_released", "campaign_email_sent",
        "campaign_email_failed", "campaign_send_completed", "email_opened", "email_clicked",
        "email_unsubscribed", "email_bounced", "email_complained",
        "campaign_response_received", "campaign_deal_credited", "campaign_deal_uncredited")},
    # procurement: suppliers
    "supplier_created": whole("supplier", creates=True, extra=lambda p: {"flagged": False}),
    "supplier_updated": whole("supplier"),
    "supplier_status_changed": moved("supplier", "supplier_id", "status", "from_status",
                                     "to_status"),
    "supplier_flagged": partial("supplier", "supplier_id", lambda p: {"flagged": True}),
    "supplier_flag_cleared": partial("supplier", "supplier_id", lambda p: {"flagged": False}),
    "supplier_document_added": nothing,            # a document of its own
    "supplier_evaluated": nothing,                 # a score for a period, not a field
    "evaluation_criteria_changed": nothing,        # configuration, not audited yet
    # procurement: purchase requests (their approval steps are the request's own log)
    "purchase_request_created": whole("purchase_request", creates=True),
    "purchase_request_updated": whole("purchase_request"),
    **{name: _request_status(name) for name in REQUEST_STATUS},
    "purchase_request_step_approved": nothing,
    "approval_policy_changed": nothing,            # configuration, not audited yet
    # procurement: quotations (offers, not audited yet), contracts, orders, receipts
    **{name: nothing for name in ("quotation_requested", "quotation_received",
                                  "quotation_chosen", "quotation_withdrawn")},
    "purchase_contract_created": whole("purchase_contract", creates=True,
                                       extra=lambda p: {"status": CONTRACT_STATUS_AT_CREATION}),
    "purchase_contract_status_changed": moved("purchase_contract", "contract_id", "status",
                                              "from_status", "to_status"),
    "purchase_order_created": whole("purchase_order", creates=True,
                                    extra=lambda p: {"accepted_value": ORDER_ACCEPTED_AT_CREATION}),
    "purchase_order_status_changed": lambda p: [Observation(
        "purchase_order", p["order_id"], {"status": p["to_status"],
                                          "accepted_value": p["accepted_value"]},
        partial=True, previous={"status": p.get("from_status")})],
    "goods_received": nothing,   # a receipt of its own; the order's move follows it
    # webhooks
    "webhook_subscription_disabled": _subscription_disabled,
}


def observe(envelope):
    """The observations of one event (none for a type that changes no record)."""
    read = READERS.get(envelope["event_type"])
    return read(envelope["payload"]) if read else []


def placement(record_type, state, context):
    """Who may read the record's history: {scope, owner_id, region, customer_id, deal_id,
    team_id, parent_id} (services/audit/scopes.py reads them)."""
    place = {"scope": "owner", "owner_id": state.get("owner_id"), "region": None,
             "customer_id": state.get("customer_id"), "deal_id": state.get("deal_id"),
             "team_id": None, "parent_id": None}
    if record_type in ADMIN_ONLY:
        place.update(scope="admin", owner_id=None)
    elif record_type in SCOPES:
        place["scope"] = SCOPES[record_type]
        if record_type == "ticket":         # its queue's team and its assignee
            place.update(owner_id=state.get("assignee_id"), team_id=state.get("team_id"))
        elif record_type == "purchase_request":
            place.update(owner_id=state.get("requester_id"),
                         team_id=state.get("requester_team_id"))
        elif record_type in UNDER_REQUEST:
            place.update(owner_id=None, parent_id=state.get("request_id"))
        else:
            place["owner_id"] = None        # read by role, whoever owns it
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
