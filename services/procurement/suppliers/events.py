"""The events suppliers publish (their contract, docs/contracts.md#procurement): one for every
change, so reporting, webhooks and audit follow the supplier book. Contacts' details and
documents stay here; events say what changed."""
from marshmallow import Schema, fields


class SupplierRecord(Schema):
    """supplier_created, and the whole supplier after a supplier_updated."""
    id = fields.String(required=True)
    name = fields.String(required=True)
    legal_name = fields.String(allow_none=True)
    tax_id = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    categories = fields.List(fields.String(), required=True)
    payment_terms_days = fields.Integer(required=True)
    currency = fields.String(allow_none=True)
    status = fields.String(required=True)
    possible_duplicate_of = fields.String(allow_none=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class SupplierUpdated(SupplierRecord):
    changed = fields.List(fields.String(), required=True)
    changed_by = fields.String(required=True)


class SupplierStatusChanged(Schema):
    supplier_id = fields.String(required=True)
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)
    reason = fields.String(allow_none=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


class SupplierDocumentAdded(Schema):
    supplier_id = fields.String(required=True)
    document_id = fields.String(required=True)
    kind = fields.String(required=True)
    valid_until = fields.Date(allow_none=True)
    added_by = fields.String(required=True)
    added_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {"supplier_created": SupplierRecord(), "supplier_updated": SupplierUpdated(),
                 "supplier_status_changed": SupplierStatusChanged(),
                 "supplier_document_added": SupplierDocumentAdded()}
