"""The events purchase contracts, orders and receipts publish (docs/contracts.md#procurement).
Reporting builds spend (accepted receipt value by supplier, category, month and currency), open
commitments (sent orders' value not yet accepted), and on-time delivery from these:

- every status move of an order is a `purchase_order_status_changed` — the ones receipts cause
  too, published right after their `goods_received` in the same transaction;
- `goods_received` carries, per line, the category and the accepted value (accepted quantity ×
  the order line's unit price), and whether the receipt came on time."""
from marshmallow import Schema, fields


class ContractLine(Schema):
    id = fields.String(required=True)
    position = fields.Integer(required=True)
    request_line_id = fields.String(required=True)
    item = fields.String(required=True)
    unit = fields.String(required=True)
    category = fields.String(allow_none=True)
    quantity = fields.Decimal(required=True, as_string=True)
    unit_price = fields.Decimal(required=True, as_string=True)
    line_total = fields.Decimal(required=True, as_string=True)


class ContractCreated(Schema):
    id = fields.String(required=True)
    number = fields.String(required=True)
    request_id = fields.String(required=True)
    quotation_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.Decimal(required=True, as_string=True)
    payment_terms_days = fields.Integer(required=True)
    delivery_date = fields.Date(allow_none=True)
    lines = fields.List(fields.Nested(ContractLine), required=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


class ContractStatusChanged(Schema):
    contract_id = fields.String(required=True)
    number = fields.String(required=True)
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


class OrderLine(Schema):
    id = fields.String(required=True)
    position = fields.Integer(required=True)
    contract_line_id = fields.String(required=True)
    item = fields.String(required=True)
    unit = fields.String(required=True)
    category = fields.String(allow_none=True)
    quantity = fields.Decimal(required=True, as_string=True)
    unit_price = fields.Decimal(required=True, as_string=True)
    line_total = fields.Decimal(required=True, as_string=True)


class OrderCreated(Schema):
    id = fields.String(required=True)
    number = fields.String(required=True)
    contract_id = fields.String(required=True)
    request_id = fields.String(required=True)
    supplier_id = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.Decimal(required=True, as_string=True)
    status = fields.String(required=True)
    expected_on = fields.Date(required=True)
    lines = fields.List(fields.Nested(OrderLine), required=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


class OrderStatusChanged(Schema):
    order_id = fields.String(required=True)
    number = fields.String(required=True)
    supplier_id = fields.String(required=True)
    currency = fields.String(required=True)
    total = fields.Decimal(required=True, as_string=True)
    accepted_value = fields.Decimal(required=True, as_string=True)   # accepted so far
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)
    reason = fields.String(allow_none=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


class ReceiptLine(Schema):
    order_line_id = fields.String(required=True)
    category = fields.String(allow_none=True)
    quantity_received = fields.Decimal(required=True, as_string=True)
    quantity_rejected = fields.Decimal(required=True, as_string=True)
    unit_price = fields.Decimal(required=True, as_string=True)
    accepted_value = fields.Decimal(required=True, as_string=True)


class GoodsReceived(Schema):
    receipt_id = fields.String(required=True)
    number = fields.String(required=True)
    order_id = fields.String(required=True)
    order_number = fields.String(required=True)
    supplier_id = fields.String(required=True)
    currency = fields.String(required=True)
    received_on = fields.Date(required=True)
    expected_on = fields.Date(required=True)
    on_time = fields.Boolean(required=True)
    accepted_value = fields.Decimal(required=True, as_string=True)   # this receipt's
    lines = fields.List(fields.Nested(ReceiptLine), required=True)
    recorded_by = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {"purchase_contract_created": ContractCreated(),
                 "purchase_contract_status_changed": ContractStatusChanged(),
                 "purchase_order_created": OrderCreated(),
                 "purchase_order_status_changed": OrderStatusChanged(),
                 "goods_received": GoodsReceived()}
