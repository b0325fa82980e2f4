"""Schemas the gateway owns: its own responses and the problem document. Request and
response bodies are the services' schemas, referenced from the route table as "service:Name"."""
from marshmallow import Schema, fields


def _text(description):
    return fields.String(metadata={"description": description})


def _texts(description):
    return fields.List(fields.String(), metadata={"description": description})


class Problem(Schema):
    """RFC 9457 problem details (application/problem+json), with every extension member the
    gateway and the services send (RFC 9457 §3.2). The list is kept honest by
    tests/unit/gateway/test_problem_members.py, which collects the members from the code."""
    type = fields.String(required=True,
                         metadata={"description": "URI reference naming the problem type"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String(metadata={"description": "The request path"})
    code = fields.String(metadata={"description": "Stable machine-readable code"})
    call_id = fields.String(metadata={"description": "Quote this when reporting a problem"})
    errors = fields.Dict(keys=fields.String(), metadata={
        "description": "422 only: field name → list of messages (nested for lists and objects)"})
    # which record: 404 / 409 / 403
    id = _text("The record the problem is about")
    customer_id = _text("The customer involved (left out when there is none)")
    customer_ids = _texts("404: the customers not found (or not yours to change)")
    merged_into = _text("409: the customer a merged id now lives on")
    duplicate_of = _text("409 duplicate: the existing record")
    match = _text("409 duplicate: email | name_phone (customers); tax_id | email | name "
                  "(suppliers)")
    field = _text("409 / 403: the field whose value conflicts or may not be chosen; 400: where "
                  "a lone surrogate is (a path such as lines[0].name)")
    stage = _text("409: the deal's or pipeline's stage involved")
    allowed = _texts("405: the methods allowed; 409: the lead statuses allowed next")
    to = _text("409: the quote or campaign status asked for")
    campaign_id = _text("409: the campaign that still targets or excludes the segment")
    campaign_status = _text("409: the campaign's status that forbids the move or change")
    refused = _texts("409: the fields a campaign's status does not let change")
    valid_until = _text("409: when the quote expired")
    assignee_id = _text("The task assignee involved")
    invoice_id = _text("409: the invoice already made")
    number = _text("409: that invoice's number")
    payment_id = _text("409: the payment already recorded with this reference")
    reference = _text("409: the client reference already used")
    total = _text("409: the invoice total (decimal)")
    lines = fields.List(fields.Raw(), metadata={"description": "409: the lines (none to order)"})
    remaining = _text("409: what the purchase contract line has left to order (decimal)")
    rows = _text("409: why the import batch must be sent again")
    import_id = _text("4xx of a CSV upload (POST /customers/imports) refused after its job was "
                      "opened: that job, failed with this problem's reason "
                      "(GET /customers/imports/{import_id})")
    scope = _text("403 / 409: the target scope involved")
    scope_value = _text("403: the target scope value involved")
    parent_id = _text("409: the parent target the parts would exceed")
    parent_amount = _text("409: the parent target's amount (decimal)")
    parts_exceed_by = _text("409: by how much the parts exceed (decimal)")
    parts_sum = _text("409: the sum of the parts (decimal)")
    actions = _texts("409: the automation actions not available yet (the rule cannot be enabled)")
    by = _text("409: the split (region | rep | product_line) that exceeds")
    source = _text("409: the producer whose event log does not reach back far enough")
    score = fields.Integer(metadata={"description": "409: the survey's answer that stands"})
    answered_at = _text("409: when the survey was answered")
    expired_at = _text("410: when the survey's link expired")
    service = _text("503: the service that did not answer")
    may_have_applied = fields.Boolean(metadata={
        "description": "503 on a write: it may still be applied; retry with the same "
                       "Idempotency-Key"})
    header = _text("400: the request header that is malformed (Idempotency-Key)")
    # gateway limits
    accepted = _texts("415: the media types accepted")
    limit = fields.Integer(metadata={"description": "413: the body size limit in bytes; 400 "
                                                    "nesting_too_deep: the depth allowed"})
    retry_after = fields.Integer(metadata={
        "description": "429, 409 (Idempotency-Key in progress): seconds to wait (as Retry-After)"})


class Health(Schema):
    status = fields.String(required=True)


class ServiceStatus(Schema):
    status = fields.String(required=True)
    detail = fields.String()


class Ready(Schema):
    status = fields.String(required=True)
    services = fields.Dict(keys=fields.String(), values=fields.Nested(ServiceStatus), required=True)
