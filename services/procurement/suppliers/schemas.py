"""Suppliers' RPC inputs (validated here; unknown fields refused) and outputs; the gateway names
them ("procurement:Supplier", ...)."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import (Boolean, Input, currency, not_blank, page_cursor, page_limit,
                                     phone, text)
from services.procurement.suppliers.statuses import STATUSES

DOCUMENT_KINDS = ("certificate", "contract", "insurance", "tax", "bank", "quality", "other")
MAX_CATEGORIES = 20
MAX_CONTACTS = 20


def country(**kwargs):
    return fields.String(validate=validate.Regexp(r"^[A-Z]{2}$", error="An ISO 3166-1 alpha-2 "
                                                  "code in capitals (e.g. DE, CN, US)."),
                         metadata={"description": "ISO 3166-1 alpha-2"}, **kwargs)


def categories():
    return fields.List(text(64, required=True), validate=validate.Length(max=MAX_CATEGORIES),
                       metadata={"description": "what it supplies (free text, e.g. office "
                                                "supplies, IT hardware, logistics)"})


class SupplierContactInput(Input):
    name = text(200, required=True)
    role = text(100)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(allow_none=True, validate=[validate.Length(max=40), phone])
    is_primary = Boolean(load_default=False)


class SupplierUpdate(Input):
    """Only the fields given change; `contacts` replaces the whole list."""
    name = fields.String(validate=[validate.Length(min=1, max=200), not_blank])
    legal_name = text(200)
    tax_id = text(50, metadata={"description": "VAT / tax registration number"})
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(allow_none=True, validate=[validate.Length(max=40), phone])
    website = fields.URL(allow_none=True, schemes={"http", "https"},
                         validate=validate.Length(max=300))
    address = text(500, multiline=True)
    country = country(allow_none=True)
    categories = categories()
    payment_terms_days = fields.Integer(strict=True, validate=validate.Range(0, 365), metadata={
        "description": "days after the invoice (0: on receipt)"})
    payment_terms_note = text(200, metadata={"description": "e.g. 2% 10 net 30"})
    currency = fields.String(allow_none=True, validate=currency, metadata={
        "description": "its usual currency, ISO 4217"})
    notes = text(5000, multiline=True)
    contacts = fields.List(fields.Nested(SupplierContactInput), validate=validate.Length(max=MAX_CONTACTS))


class SupplierCreate(SupplierUpdate):
    name = text(200, required=True)
    payment_terms_days = fields.Integer(strict=True, load_default=30,
                                        validate=validate.Range(0, 365))


class CreateOptions(Input):
    """The query of a create: `force=true` stores a supplier even if it looks like a duplicate
    (it keeps `possible_duplicate_of`)."""
    force = Boolean(metadata={"description": "store even if a duplicate is found"})


class SupplierStatusChange(Input):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    reason = text(500, metadata={"description": "required for on_hold and blocked"})


class DocumentCreate(Input):
    kind = fields.String(required=True, validate=validate.OneOf(DOCUMENT_KINDS))
    title = text(200, required=True)
    file_name = text(255)
    content_type = fields.String(allow_none=True, validate=validate.Regexp(
        r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,40}/[a-z0-9][a-z0-9!#$&^_.+-]{0,55}$",
        error="A media type, e.g. application/pdf."))
    size_bytes = fields.Integer(strict=True, allow_none=True,
                                validate=validate.Range(0, 10 * 1024 ** 3))
    storage_ref = text(500, metadata={"description": "where the file is kept (a URL or a "
                                                     "document store's key)"})
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True, metadata={"description": "not before valid_from"})


class SupplierQuery(Input):
    status = fields.String(validate=validate.OneOf(STATUSES))
    category = text(64)
    flagged = Boolean()
    q = fields.String(validate=[validate.Length(min=1, max=200), not_blank],
                      metadata={"description": "in its name"})
    cursor = page_cursor()
    limit = page_limit()


class PageQuery(Input):
    cursor = page_cursor()
    limit = page_limit()


class SupplierContact(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    is_primary = fields.Boolean(required=True)


class Supplier(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    legal_name = fields.String(allow_none=True)
    tax_id = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    categories = fields.List(fields.String(), required=True)
    payment_terms_days = fields.Integer(required=True)
    payment_terms_note = fields.String(allow_none=True)
    currency = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    status = fields.String(required=True)
    status_reason = fields.String(allow_none=True)
    status_changed_by = fields.String(allow_none=True)
    status_changed_at = fields.DateTime(allow_none=True)
    score = fields.Decimal(allow_none=True, as_string=True, metadata={
        "description": "the latest evaluation's weighted score, 0-100"})
    flagged = fields.Boolean(required=True, metadata={
        "description": "its latest weighted score is under the threshold"})
    possible_duplicate_of = fields.String(allow_none=True)
    contacts = fields.List(fields.Nested(SupplierContact), required=True)
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class Document(Schema):
    id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    file_name = fields.String(allow_none=True)
    content_type = fields.String(allow_none=True)
    size_bytes = fields.Integer(allow_none=True)
    storage_ref = fields.String(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    added_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class SupplierChange(Schema):
    id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    action = fields.String(required=True)
    changes = fields.Dict(required=True, metadata={"description": "{field: [from, to]}"})
    reason = fields.String(allow_none=True)
    changed_by = fields.String(required=True)
    changed_at = fields.DateTime(required=True)
