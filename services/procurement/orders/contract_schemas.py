"""Purchase contracts' RPC inputs and outputs ("procurement:PurchaseContractCreate",
"procurement:PurchaseContract", "procurement:PurchaseContractQuery")."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Input, page_cursor, page_limit, text
from services.procurement.orders.contract_statuses import STATUSES


class PurchaseContractCreate(Input):
    request_id = fields.String(required=True, validate=validate.Length(min=1, max=36), metadata={
        "description": "an approved purchase request with its quotation chosen"})
    payment_terms_days = fields.Integer(strict=True, allow_none=True,
                                        validate=validate.Range(0, 365), metadata={
                                            "description": "default: the supplier's"})
    terms = text(5000, multiline=True, metadata={"description": "what else is agreed"})


class PurchaseContractQuery(Input):
    supplier_id = fields.String(validate=validate.Length(min=1, max=36))
    request_id = fields.String(validate=validate.Length(min=1, max=36))
    status = fields.String(validate=validate.OneOf(STATUSES))
    cursor = page_cursor()
    limit = page_limit()


class PurchaseContractLine(Schema):
    id = fields.String(required=True)
    position = fields.Integer(required=True)
    request_line_id = fields.String(required=True)
    item = fields.String(required=True)
    unit = fields.String(required=True)
    category = fields.String(allow_none=True)
    quantity = fields.Decimal(required=True, as_string=True)
    unit_price = fields.Decimal(required=True, as_string=True)
    line_total = fields.Decimal(required=True, as_string=True)
    ordered_quantity = fields.Decimal(required=True, as_string=True, metadata={
        "description": "ordered so far under the contract"})


class PurchaseContract(Schema):
    id = fields.String(required=True)
    number = fields.String(required=True, metadata={"description": "PC-<year>-NNNNN, gapless"})
    request_id = fields.String(required=True)
    quotation_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.Decimal(required=True, as_string=True)
    payment_terms_days = fields.Integer(required=True)
    delivery_date = fields.Date(allow_none=True)
    terms = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={"description": "active | completed | "
                                                                   "cancelled"})
    lines = fields.List(fields.Nested(PurchaseContractLine), required=True)
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
