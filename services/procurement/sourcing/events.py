"""The events supplier selection publishes (docs/contracts.md#procurement): a quotation asked
for, an offer recorded, one offer chosen (with the reason and the offers declined), a
quotation withdrawn. Reporting compares offers and follows the choice from these."""
from marshmallow import Schema, fields


class QuotationRequested(Schema):
    quotation_id = fields.String(required=True)
    request_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    respond_by = fields.Date(allow_none=True)
    requested_by = fields.String(required=True)
    requested_at = fields.AwareDateTime(required=True)


class OfferLine(Schema):
    request_line_id = fields.String(required=True)
    quantity = fields.Decimal(required=True, as_string=True)
    unit_price = fields.Decimal(required=True, as_string=True)
    line_total = fields.Decimal(required=True, as_string=True)


class QuotationReceived(Schema):
    """The offer as recorded (recorded again while no choice is made: the latest wins)."""
    quotation_id = fields.String(required=True)
    request_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.Decimal(required=True, as_string=True)
    delivery_date = fields.Date(required=True)
    valid_until = fields.Date(allow_none=True)
    lines = fields.List(fields.Nested(OfferLine), required=True)
    recorded_by = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)


class QuotationChosen(Schema):
    quotation_id = fields.String(required=True)
    request_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.Decimal(required=True, as_string=True)
    reason = fields.String(required=True)
    declined = fields.List(fields.String(), required=True)     # the other quotations' ids
    chosen_by = fields.String(required=True)
    chosen_at = fields.AwareDateTime(required=True)


class QuotationWithdrawn(Schema):
    quotation_id = fields.String(required=True)
    request_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    reason = fields.String(allow_none=True)
    withdrawn_by = fields.String(required=True)
    withdrawn_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {"quotation_requested": QuotationRequested(),
                 "quotation_received": QuotationReceived(),
                 "quotation_chosen": QuotationChosen(),
                 "quotation_withdrawn": QuotationWithdrawn()}
