"""Purchase orders' and goods receipts' RPC inputs and outputs ("procurement:PurchaseOrder",
"procurement:GoodsReceipt", ...)."""
import re
from decimal import Decimal

from marshmallow import Schema, fields, validate

from services.chassis.fields import Boolean, Input, page_cursor, page_limit, text
from services.procurement.orders.statuses import STATUSES, TARGETS
from services.procurement.requests.schemas import MAX_LINES, Quantity

ID = {"validate": validate.Length(min=1, max=36)}


class QuantityOrZero(Quantity):
    """A quantity that may be 0 (nothing rejected): otherwise as Quantity."""
    ZERO = re.compile(r"^(0(\.0{1,3})?|\.0{1,3})$")
    json_schema = {**Quantity.json_schema, "minimum": 0,
                   "pattern": "^(0(\\.0{1,3})?|\\.0{1,3}|" + Quantity.json_schema["pattern"][2:]}

    def _deserialize(self, value, attr, data, **kwargs):
        if (isinstance(value, int) and not isinstance(value, bool) and value == 0) or (
                isinstance(value, str) and self.ZERO.match(value.strip())):
            return Decimal("0.000")
        return super()._deserialize(value, attr, data, **kwargs)


class PurchaseOrderLineInput(Input):
    contract_line_id = fields.String(required=True, **ID)
    quantity = Quantity(metadata={"description": "default: all of the line not yet ordered"})


class PurchaseOrderCreate(Input):
    contract_id = fields.String(required=True, **ID, metadata={
        "description": "an active purchase contract"})
    lines = fields.List(fields.Nested(PurchaseOrderLineInput), validate=validate.Length(min=1,
                                                                                max=MAX_LINES),
                        metadata={"description": "each contract line once; default: every "
                                                 "line with something left to order, all of it"})
    expected_on = fields.Date(metadata={"description": "when the goods are due; default: the "
                                                       "contract's delivery date (required if "
                                                       "it has none)"})
    send = Boolean(load_default=False, metadata={"description": "send it at once (default: a "
                                                                "draft)"})


class PurchaseOrderStatusChange(Input):
    status = fields.String(required=True, validate=validate.OneOf(TARGETS), metadata={
        "description": "draft → sent | cancelled; sent → cancelled; partially_received → "
                       "closed; received → closed"})
    reason = text(500, metadata={"description": "required to cancel, and to close an order "
                                               "not fully received"})


class GoodsReceiptLineInput(Input):
    order_line_id = fields.String(required=True, **ID)
    quantity_received = Quantity(required=True)
    quantity_rejected = QuantityOrZero(load_default=Decimal("0.000"), metadata={
        "description": "of those received; at most quantity_received (default 0)"})


class GoodsReceiptCreate(Input):
    received_on = fields.Date(required=True, metadata={"description": "not in the future"})
    lines = fields.List(fields.Nested(GoodsReceiptLineInput), required=True,
                        validate=validate.Length(min=1, max=MAX_LINES), metadata={
                            "description": "each order line at most once; a line's accepted "
                                           "quantity in all never above its quantity"})
    note = text(2000, multiline=True)


class PurchaseOrderQuery(Input):
    supplier_id = fields.String(**ID)
    contract_id = fields.String(**ID)
    status = fields.String(validate=validate.OneOf(STATUSES))
    cursor = page_cursor()
    limit = page_limit()


class GoodsReceiptQuery(Input):
    cursor = page_cursor()
    limit = page_limit()


class PurchaseOrderLine(Schema):
    id = fields.String(required=True)
    position = fields.Integer(required=True)
    contract_line_id = fields.String(required=True)
    item = fields.String(required=True)
    unit = fields.String(required=True)
    category = fields.String(allow_none=True)
    quantity = fields.Decimal(required=True, as_string=True)
    unit_price = fields.Decimal(required=True, as_string=True)
    line_total = fields.Decimal(required=True, as_string=True)
    received_quantity = fields.Decimal(required=True, as_string=True)
    rejected_quantity = fields.Decimal(required=True, as_string=True)
    accepted_quantity = fields.Decimal(required=True, as_string=True, metadata={
        "description": "received − rejected"})


class PurchaseOrder(Schema):
    id = fields.String(required=True)
    number = fields.String(required=True, metadata={"description": "PO-<year>-NNNNN"})
    contract_id = fields.String(required=True)
    request_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.Decimal(required=True, as_string=True)
    accepted_value = fields.Decimal(required=True, as_string=True, metadata={
        "description": "the value of the goods accepted so far"})
    expected_on = fields.Date(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    status_reason = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(PurchaseOrderLine), required=True)
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    sent_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime(required=True)


class GoodsReceiptLine(Schema):
    order_line_id = fields.String(required=True)
    quantity_received = fields.Decimal(required=True, as_string=True)
    quantity_rejected = fields.Decimal(required=True, as_string=True)
    accepted_value = fields.Decimal(required=True, as_string=True)


class GoodsReceipt(Schema):
    id = fields.String(required=True)
    number = fields.String(required=True, metadata={"description": "GR-<year>-NNNNN"})
    order_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    received_on = fields.Date(required=True)
    on_time = fields.Boolean(required=True, metadata={
        "description": "received on or before the order's expected_on"})
    accepted_value = fields.Decimal(required=True, as_string=True)
    note = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(GoodsReceiptLine), required=True)
    recorded_by = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)
