"""Segments' RPC inputs (validated here; the rules by segments/rules.py, named per position)
and outputs; the gateway names them ("marketing:Segment", ...)."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Input, page_cursor, page_limit, text, time_zone
from services.marketing.segments.models import DYNAMIC, JOINED, LEFT, STATIC

RULES_DOC = ("groups of conditions — a contact matches if every condition of at least one "
             "group holds; a condition is {field, op, value} (lifetime_value also takes a "
             "currency); see docs/contracts.md#marketing for the fields and operators")
IDS_DOC = "segment ids"


def _ids(description):
    return fields.List(fields.String(validate=validate.Length(1, 36)),
                       validate=validate.Length(max=50), metadata={"description": description})


class SegmentCreate(Input):
    name = text(200, required=True)
    description = text(2000, multiline=True)
    kind = fields.String(required=True, validate=validate.OneOf((DYNAMIC, STATIC)))
    rules = fields.Raw(load_default=list, metadata={"description": RULES_DOC,
                                                    "type": "array"})
    include = _ids("contacts in any of these segments are members too")
    exclude = _ids("contacts in any of these segments are never members")


class GroupSegmentRequest(Input):
    """The groups report's query, to name the same group (reporting checks it again), the
    description read and, optionally, the list's name."""
    as_of = fields.Date(metadata={"description": "the report's as_of (default today in tz)"})
    tz = fields.String(validate=time_zone, metadata={"description": "the report's tz (UTC)"})
    months = fields.Integer(strict=True, validate=validate.Range(1, 60),  # as the report's
                            metadata={"description": "the report's months (default 12)"})
    description = fields.String(validate=validate.Length(1, 500), metadata={
        "description": "the group's description as read: a 409 if the group no longer is that"})
    name = text(200, metadata={"description": "the list's name (default: the group's "
                                              "description and as-of day)"})


class SegmentUpdate(Input):
    name = text(200, required=True)
    description = text(2000, multiline=True)
    rules = fields.Raw(metadata={"description": RULES_DOC, "type": "array"})
    include = _ids("contacts in any of these segments are members too")
    exclude = _ids("contacts in any of these segments are never members")


class SegmentEvaluation(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("evaluating", "ready")),
                           metadata={"description": "evaluating: the evaluation of every contact "
                                     "a new or changed definition needs is under way, for this "
                                     "segment or one it includes or excludes (the count moves); "
                                     "ready: members and count are exact"})
    evaluated = fields.Integer(required=True, metadata={
        "description": "contacts evaluated so far by the last (re)definition's evaluation"})
    total = fields.Integer(required=True, metadata={
        "description": "contacts to evaluate (those there were when it began; once ready, "
                       "those evaluated)"})


class Segment(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf((DYNAMIC, STATIC)))
    rules = fields.Raw(required=True, metadata={"description": RULES_DOC, "type": "array"})
    include = fields.List(fields.String(), required=True)
    exclude = fields.List(fields.String(), required=True)
    member_count = fields.Integer(required=True)
    evaluation = fields.Nested(SegmentEvaluation, required=True)
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class SegmentQuery(Input):
    cursor = page_cursor()
    limit = page_limit()


class StaticMembers(Input):
    contact_ids = fields.List(fields.String(validate=validate.Length(1, 36)), required=True,
                              validate=validate.Length(1, 1000))


class StaticResult(Schema):
    segment_id = fields.String(required=True)
    changed = fields.Integer(required=True, metadata={
        "description": "contacts put on (or taken off) the list that were not (were) on it"})
    member_count = fields.Integer(required=True)


class MembershipQuery(Input):
    contact_id = text(36, metadata={"description": "one contact's joins and leaves"})
    cursor = page_cursor()
    limit = page_limit()


class MembershipChange(Schema):
    id = fields.String(required=True)
    segment_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    change = fields.String(required=True, validate=validate.OneOf((JOINED, LEFT)))
    reason = fields.String(required=True, metadata={
        "description": "what changed it: the event type (customer_updated, deal_won, ...; "
                       "the types joined by '+' when several events of one batch touched the "
                       "contact), segment_created, segment_updated, list_added, list_removed "
                       "or time"})
    at = fields.DateTime(required=True)
