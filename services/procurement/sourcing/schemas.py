"""Supplier selection's RPC inputs and outputs ("procurement:QuotationsRequest",
"procurement:Quotation", "procurement:QuotationComparison", ...)."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Input, Money, currency, text
from services.procurement.requests.schemas import MAX_LINES, Quantity

MAX_SUPPLIERS = 20          # asked at once; a request's quotations stay a comparable handful


class QuotationsRequest(Input):
    supplier_ids = fields.List(fields.String(validate=validate.Length(min=1, max=36)),
                               required=True, validate=validate.Length(min=1, max=MAX_SUPPLIERS),
                               metadata={"description": "active suppliers, each once, none "
                                                        "asked for this request before"})
    respond_by = fields.Date(allow_none=True, metadata={"description": "when the offers are "
                                                                       "due"})


class OfferLineInput(Input):
    request_line_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    quantity = Quantity(metadata={"description": "default: the request line's quantity"})
    unit_price = Money(required=True, metadata={"description": "in the offer's currency"})


class OfferRecord(Input):
    """A supplier's offer: every line of the request priced exactly once."""
    currency = fields.String(required=True, validate=currency, metadata={
        "description": "ISO 4217; the request's own (so offers compare)"})
    delivery_date = fields.Date(required=True, metadata={"description": "the date promised"})
    valid_until = fields.Date(allow_none=True, metadata={
        "description": "the last day it may be chosen (null: open)"})
    note = text(2000, multiline=True, metadata={"description": "the supplier's terms, remarks"})
    lines = fields.List(fields.Nested(OfferLineInput), required=True,
                        validate=validate.Length(min=1, max=MAX_LINES), metadata={
                            "description": "one per line of the request; their totals add up "
                                           "to less than 10^15"})


class QuotationChoice(Input):
    reason = text(2000, required=True, multiline=True, metadata={
        "description": "why this offer (kept with the choice)"})


class QuotationWithdrawal(Input):
    reason = text(2000, multiline=True)


class QuotationLine(Schema):
    request_line_id = fields.String(required=True)
    quantity = fields.Decimal(required=True, as_string=True)
    unit_price = fields.Decimal(required=True, as_string=True)
    line_total = fields.Decimal(required=True, as_string=True)


class Quotation(Schema):
    id = fields.String(required=True)
    request_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "description": "requested | received | chosen | declined | withdrawn"})
    respond_by = fields.Date(allow_none=True)
    currency = fields.String(allow_none=True)
    total = fields.Decimal(allow_none=True, as_string=True)
    delivery_date = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"description": "why it was chosen, or "
                                                                       "withdrawn"})
    lines = fields.List(fields.Nested(QuotationLine), required=True)
    requested_by = fields.String(required=True)
    requested_at = fields.DateTime(required=True)
    recorded_by = fields.String(allow_none=True)
    received_at = fields.DateTime(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime(required=True)


class ComparedSupplier(Schema):
    """What the supplier book says of it now (null for callers who may not read the book)."""
    name = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    score = fields.Decimal(allow_none=True, as_string=True)
    flagged = fields.Boolean(allow_none=True)


class ComparedQuotation(Schema):
    quotation_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    supplier = fields.Nested(ComparedSupplier, required=True)
    status = fields.String(required=True)
    currency = fields.String(allow_none=True)
    total = fields.Decimal(allow_none=True, as_string=True)
    delivery_date = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    expired = fields.Boolean(required=True, metadata={"description": "valid_until has passed"})
    lowest = fields.Boolean(required=True, metadata={
        "description": "the lowest total of the offers (received, chosen or declined; ties "
                       "all marked)"})


class ComparedOffer(Schema):
    quotation_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    quantity = fields.Decimal(required=True, as_string=True)
    unit_price = fields.Decimal(required=True, as_string=True)
    line_total = fields.Decimal(required=True, as_string=True)
    lowest = fields.Boolean(required=True, metadata={"description": "the lowest unit price "
                                                                    "for this line"})


class ComparedLine(Schema):
    request_line_id = fields.String(required=True)
    position = fields.Integer(required=True)
    item = fields.String(required=True)
    unit = fields.String(required=True)
    quantity = fields.Decimal(required=True, as_string=True)
    estimated_unit_price = fields.Decimal(required=True, as_string=True)
    offers = fields.List(fields.Nested(ComparedOffer), required=True)


class QuotationComparison(Schema):
    request_id = fields.String(required=True)
    currency = fields.String(required=True)
    estimated_total = fields.Decimal(required=True, as_string=True)
    chosen_quotation_id = fields.String(allow_none=True)
    quotations = fields.List(fields.Nested(ComparedQuotation), required=True)
    lines = fields.List(fields.Nested(ComparedLine), required=True)
