"""RPC inputs (unknown fields refused) and outputs of the customers service.

The gateway's OpenAPI document references these classes by name (`customers:Customer`, ...).
Strings are stored verbatim — SQL, HTML, emoji, CJK are data, not threats, at this layer.
"""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate

from services.chassis.fields import (Boolean, Input, Money, currency, not_blank, page_cursor, page_limit,
                                     phone, text)

KINDS = ("company", "individual")
LIFECYCLE_STAGES = ("lead", "prospect", "customer", "churned")
VALUE_CLASSES = ("A", "B", "C")
INTERACTION_KINDS = ("call", "email", "meeting", "note")
SORT_KEYS = ("name", "created_at", "updated_at", "annual_revenue")
SORTS = SORT_KEYS + tuple("-" + key for key in SORT_KEYS)


def today():
    """The day no birthday may lie after (a function, so tests can fix the day)."""
    return date.today()


def _past_birthday(value):
    if not date(1900, 1, 1) <= value <= today():
        raise ValidationError("A birthday lies between 1900-01-01 and today.")


# --- customers ------------------------------------------------------------------------------

class CustomerUpdate(Input):
    """Partial: only the fields sent change. `owner_id` is not here: use assign_customer."""
    kind = fields.String(validate=validate.OneOf(KINDS), load_default="company")
    name = text(200, required=True)
    industry = text(100)
    size = fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 10_000_000),
                          metadata={"description": "Employees"})
    annual_revenue = Money(allow_none=True, metadata={"type": "string", "format": "decimal"})
    currency = fields.String(allow_none=True, validate=currency, metadata={"description": "ISO 4217"})
    region = text(64)
    address = text(500, multiline=True)
    phone = fields.String(allow_none=True, validate=[validate.Length(max=40), phone])
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    website = fields.URL(allow_none=True, schemes={"http", "https"},
                         validate=validate.Length(max=2048))
    source = text(100)
    lifecycle_stage = fields.String(validate=validate.OneOf(LIFECYCLE_STAGES), load_default="lead")
    value_class = fields.String(allow_none=True, validate=validate.OneOf(VALUE_CLASSES))
    parent_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36), metadata={
        "description": "the parent company: a customer you can see, not this one nor one of "
                       "its subsidiaries (null: none)"})


class CustomerCreate(CustomerUpdate):
    owner_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36),
                             metadata={"description": "admin: anyone; manager: own team; "
                                                      "others may not set it"})


class Customer(Schema):
    id = fields.String()
    kind = fields.String()
    name = fields.String()
    industry = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    annual_revenue = Money(allow_none=True, metadata={"type": "string", "format": "decimal"})
    currency = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    lifecycle_stage = fields.String()
    value_class = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    parent_id = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    created_by = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    redirected_from = fields.String(metadata={"description": "Set when a merged id was asked for"})


class ExportQuery(Input):
    """The filters and sort of a list, without paging."""
    tags_all = fields.List(fields.String(validate=validate.Length(max=50)),
                           validate=validate.Length(max=20), allow_none=True)
    tags_any = fields.List(fields.String(validate=validate.Length(max=50)),
                           validate=validate.Length(max=20), allow_none=True)
    owner_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    region = fields.String(allow_none=True, validate=validate.Length(max=64))
    value_class = fields.String(allow_none=True, validate=validate.OneOf(VALUE_CLASSES))
    lifecycle_stage = fields.String(allow_none=True, validate=validate.OneOf(LIFECYCLE_STAGES))
    q = fields.String(allow_none=True, validate=validate.Length(max=200))
    sort = fields.String(validate=validate.OneOf(SORTS), load_default="-created_at",
                         metadata={"description": "a key, '-' prefixed for descending"})


class ListQuery(ExportQuery):
    cursor = page_cursor()
    limit = page_limit()


class TimelineQuery(Input):
    cursor = page_cursor()
    limit = page_limit()


class CreateOptions(Input):
    """The query of a create: `force=true` stores a customer even if it looks like a duplicate."""
    force = Boolean(metadata={"description": "store even if a duplicate is found"})


class Assign(Input):
    owner_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class Merge(Input):
    winner_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    loser_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


# --- tags -----------------------------------------------------------------------------------

class TagCreate(Input):
    name = text(50, required=True)


class Tag(Schema):
    id = fields.String()
    name = fields.String()
    created_at = fields.AwareDateTime()


class BulkTag(Input):
    customer_ids = fields.List(fields.String(validate=validate.Length(min=1, max=36)),
                               required=True, validate=validate.Length(min=1, max=1000))
    tags = fields.List(fields.String(validate=[validate.Length(min=1, max=50), not_blank]),
                       required=True, validate=validate.Length(min=1, max=100))


# --- contacts and interactions --------------------------------------------------------------

class ContactCreate(Input):
    name = text(200, required=True)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(allow_none=True, validate=[validate.Length(max=40), phone])
    role = text(100)
    birthday = fields.Date(allow_none=True, validate=_past_birthday)


class Contact(Schema):
    id = fields.String()
    customer_id = fields.String()
    name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    birthday = fields.Date(allow_none=True)
    created_at = fields.AwareDateTime()


class InteractionCreate(Input):
    kind = fields.String(required=True, validate=validate.OneOf(INTERACTION_KINDS))
    occurred_at = fields.AwareDateTime(allow_none=True, load_default=None,
                                       metadata={"description": "default: now"})
    summary = text(5000, required=True, multiline=True)
    outcome = text(500, multiline=True)
    contact_id = fields.String(allow_none=True, validate=validate.Length(max=36))


class Interaction(Schema):
    id = fields.String()
    customer_id = fields.String()
    kind = fields.String()
    occurred_at = fields.AwareDateTime()
    user_id = fields.String()
    summary = fields.String()
    outcome = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


TIMELINE_SOURCES = ("customers", "marketing", "service_desk")


class TimelineItem(Schema):
    """One line of a customer's timeline: an interaction logged here (source `customers`,
    kind call / email / meeting / note), or what marketing or the service desk did with the
    customer (kind campaign_sent / _opened / _clicked / _responded, ticket_created / _resolved /
    _closed / _reopened, survey_answered, followup_scheduled / _completed), linking to its
    campaign or ticket by `ref_type` / `ref_id` with its `title`."""
    id = fields.String()
    customer_id = fields.String()
    kind = fields.String()
    occurred_at = fields.AwareDateTime()
    user_id = fields.String(allow_none=True, metadata={"description": "who did it, if a user"})
    summary = fields.String()
    outcome = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    source = fields.String(metadata={"enum": list(TIMELINE_SOURCES)})
    ref_type = fields.String(allow_none=True, metadata={"description": "campaign | ticket"})
    ref_id = fields.String(allow_none=True)
    title = fields.String(allow_none=True, metadata={"description": "the campaign's name or "
                                                                     "the ticket's subject"})


class Timeline(Input):
    customer_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    cursor = fields.String(allow_none=True, validate=validate.Length(max=2000))
    limit = fields.Raw(allow_none=True)


# --- imports --------------------------------------------------------------------------------

class ImportRowError(Schema):
    row = fields.Integer(metadata={"description": "Spreadsheet row: the header is row 1"})
    field = fields.String(allow_none=True)
    message = fields.String()
    duplicate_of = fields.String(allow_none=True)


class ImportJob(Schema):
    id = fields.String()
    status = fields.String(metadata={"description": "uploading | pending | running | done | failed"})
    total_rows = fields.Integer()
    processed_rows = fields.Integer()
    created = fields.Integer()
    duplicates = fields.Integer()
    failed = fields.Integer()
    errors = fields.List(fields.Nested(ImportRowError))
    errors_truncated = Boolean(metadata={"description": "more rows failed: see /rows?status="})
    error = fields.String(allow_none=True, metadata={"description": "why the upload failed"})
    parts = fields.Integer(metadata={"description": "parts of the streamed upload received (the "
                                                    "answer to the upload)"})
    created_by = fields.String()
    created_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)


class ImportRowsQuery(Input):
    status = fields.String(required=True, validate=validate.OneOf(("created", "duplicate", "failed",
                                                                   "pending")))
    cursor = page_cursor()
    limit = page_limit()


class ImportRowReport(Schema):
    row = fields.Integer(metadata={"description": "Spreadsheet row: the header is row 1"})
    status = fields.String()
    customer_id = fields.String(allow_none=True, metadata={"description": "the customer created"})
    cells = fields.Dict(keys=fields.String(), values=fields.Raw(), metadata={
        "description": "the row's cells by column (a row with the wrong cell count: the counts)"})
    errors = fields.List(fields.Nested(ImportRowError))
