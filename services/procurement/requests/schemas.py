"""Purchase requests' RPC inputs and outputs ("procurement:PurchaseRequest", ...) and the
approval policy's."""
from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, validate

from services.chassis.fields import (Boolean, Input, Money, currency, not_blank, page_cursor,
                                     page_limit, text)
from services.procurement.requests.statuses import STATUSES

APPROVER_ROLES = ("manager", "buyer", "admin")
MAX_LINES = 100
MAX_QUANTITY = Decimal("1e9")


class Quantity(fields.Field):
    """More than 0, at most 3 decimals (2.5 kg, 0.125 t), below 10^9; a string or an integer,
    never a float; dumped as a string."""
    json_schema = {"type": ["string", "integer"], "format": "decimal",
                   "pattern": r"^([1-9][0-9]{0,8}(\.[0-9]{1,3})?|0?\.([1-9][0-9]{0,2}|0[1-9][0-9]?"
                              r"|00[1-9]))$",
                   "minimum": 1, "maximum": int(MAX_QUANTITY) - 1}
    json_schema_out = {"type": "string", "format": "decimal"}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValidationError("Send a quantity as a string or an integer, e.g. \"2.5\".")
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError("Not a decimal number.")
        if not amount.is_finite() or amount <= 0 or amount >= MAX_QUANTITY:
            raise ValidationError("Must be more than 0 and below 10^9.")
        if amount != amount.quantize(Decimal("0.001")):
            raise ValidationError("At most 3 decimal places.")
        return amount.quantize(Decimal("0.001"))

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class RequestLineInput(Input):
    item = text(200, required=True)
    description = text(2000, multiline=True)
    quantity = Quantity(required=True)
    unit = text(20, required=True, metadata={"description": "e.g. pcs, kg, h, licence"})
    estimated_unit_price = Money(required=True, metadata={"description": "in the request's "
                                                                         "currency"})
    needed_by = fields.Date(allow_none=True)
    category = text(64, metadata={"description": "what spend is reported by"})


class RequestUpdate(Input):
    """A draft's fields; `lines` replaces them all (the total follows)."""
    title = fields.String(validate=[validate.Length(min=1, max=200), not_blank])
    justification = fields.String(validate=[validate.Length(min=1, max=5000), not_blank],
                                  metadata={"multiline": True})
    currency = fields.String(validate=currency, metadata={"description": "ISO 4217"})
    lines = fields.List(fields.Nested(RequestLineInput), validate=validate.Length(min=1, max=MAX_LINES),
                        metadata={"description": "their totals add up to less than 10^15"})


class RequestCreate(RequestUpdate):
    title = text(200, required=True)
    justification = text(5000, required=True, multiline=True)
    currency = fields.String(required=True, validate=currency,
                             metadata={"description": "ISO 4217"})
    lines = fields.List(fields.Nested(RequestLineInput), required=True,
                        validate=validate.Length(min=1, max=MAX_LINES),
                        metadata={"description": "their totals add up to less than 10^15"})
    submit = Boolean(load_default=False, metadata={
        "description": "submit it for approval at once (default: a draft)"})


class ApprovalDecision(Input):
    comment = text(2000, multiline=True, metadata={"description": "required to reject"})


class RequestQuery(Input):
    status = fields.String(validate=validate.OneOf(STATUSES))
    requester_id = fields.String(validate=validate.Length(min=1, max=64))
    awaiting = fields.String(validate=validate.OneOf(APPROVER_ROLES), metadata={
        "description": "pending at a step of this role"})
    cursor = page_cursor()
    limit = page_limit()


class PolicyTierInput(Input):
    up_to = Money(required=True, allow_none=True, metadata={
        "description": "inclusive; null: no limit (the last tier)"})
    steps = fields.List(fields.String(validate=validate.OneOf(APPROVER_ROLES)), required=True,
                        validate=validate.Length(min=1, max=5),
                        metadata={"description": "the roles that approve, in order"})


class CurrencyPolicyInput(Input):
    currency = fields.String(required=True, validate=validate.Regexp(
        r"^([A-Z]{3}|\*)$", error="ISO 4217, or * for every other currency"))
    tiers = fields.List(fields.Nested(PolicyTierInput), required=True,
                        validate=validate.Length(min=1, max=10), metadata={
                            "description": "ascending up_to; only the last without a limit"})


class ApprovalPolicySet(Input):
    policies = fields.List(fields.Nested(CurrencyPolicyInput), required=True,
                           validate=validate.Length(min=1, max=50), metadata={
                               "description": "each currency once, and one for \"*\""})


class PolicyTier(Schema):
    up_to = fields.Decimal(allow_none=True, as_string=True)
    steps = fields.List(fields.String(), required=True)


class CurrencyPolicy(Schema):
    currency = fields.String(required=True)
    tiers = fields.List(fields.Nested(PolicyTier), required=True)


class ApprovalPolicies(Schema):
    policies = fields.List(fields.Nested(CurrencyPolicy), required=True)


class RequestLine(Schema):
    id = fields.String(required=True)
    position = fields.Integer(required=True)
    item = fields.String(required=True)
    description = fields.String(allow_none=True)
    quantity = fields.Decimal(required=True, as_string=True)
    unit = fields.String(required=True)
    estimated_unit_price = fields.Decimal(required=True, as_string=True)
    line_total = fields.Decimal(required=True, as_string=True)
    needed_by = fields.Date(allow_none=True)
    category = fields.String(allow_none=True)


class ApprovalStep(Schema):
    position = fields.Integer(required=True)
    role = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "description": "waiting | pending | approved | rejected | skipped"})
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    comment = fields.String(allow_none=True)


class PurchaseRequest(Schema):
    id = fields.String(required=True)
    requester_id = fields.String(required=True)
    requester_team_id = fields.String(allow_none=True)
    title = fields.String(required=True)
    justification = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.Decimal(required=True, as_string=True)
    status = fields.String(required=True)
    current_step = fields.Integer(allow_none=True)
    lines = fields.List(fields.Nested(RequestLine), required=True)
    steps = fields.List(fields.Nested(ApprovalStep), required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    submitted_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
