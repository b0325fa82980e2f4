"""A fake procurement log: payloads dumped by procurement's own event schemas (so they are what
its outbox would publish), with only the fields each test cares about to name."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from services.procurement.events import EVENT_SCHEMAS
from tests.unit.reporting.support import Log

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)     # a Monday


class Procurement(Log):
    def __init__(self):
        super().__init__("procurement")

    def publish(self, event_type, payload):
        return self.emit(event_type, EVENT_SCHEMAS[event_type].dump(payload))

    def supplier(self, supplier_id, name, status="active", event="supplier_created"):
        record = {"id": supplier_id, "name": name, "legal_name": None, "tax_id": None,
                  "country": "DE", "categories": ["parts"], "payment_terms_days": 30,
                  "currency": "EUR", "status": status, "possible_duplicate_of": None,
                  "created_by": "u-buyer", "created_at": T0, "updated_at": T0}
        if event == "supplier_updated":
            record.update(changed=["name"], changed_by="u-buyer")
        return self.publish(event, record)

    def status(self, supplier_id, to_status, from_status="active"):
        return self.publish("supplier_status_changed", {
            "supplier_id": supplier_id, "from_status": from_status, "to_status": to_status,
            "reason": "late", "changed_by": "u-buyer", "changed_at": T0})

    def evaluated(self, evaluation_id, supplier_id, score, current, threshold="60.00",
                  period_end=date(2026, 2, 28)):
        return self.publish("supplier_evaluated", {
            "evaluation_id": evaluation_id, "supplier_id": supplier_id,
            "period_start": period_end.replace(day=1), "period_end": period_end,
            "order_id": None, "scores": {"quality": Decimal(score)}, "weights": {"quality": 1},
            "weighted_score": Decimal(score), "threshold": Decimal(threshold),
            "current": current, "evaluated_by": "u-buyer", "evaluated_at": T0})

    def submitted(self, request_id, at):
        return self.publish("purchase_request_submitted", {
            "request_id": request_id, "requester_id": "u-rep", "currency": "EUR",
            "total": Decimal("100.00"), "steps": ["manager"], "submitted_at": at})

    def approved(self, request_id, submitted_at, approved_at):
        return self.publish("purchase_request_approved", {
            "request_id": request_id, "requester_id": "u-rep", "currency": "EUR",
            "total": Decimal("100.00"), "submitted_at": submitted_at, "approved_at": approved_at})

    def rejected(self, request_id, at):
        return self.publish("purchase_request_rejected", {
            "request_id": request_id, "position": 1, "role": "manager",
            "decided_by": "u-manager", "comment": "no", "decided_at": at, "next_role": None})

    def order_status(self, order_id, supplier_id, to_status, total, accepted="0.00",
                     currency="EUR", from_status="draft"):
        return self.publish("purchase_order_status_changed", {
            "order_id": order_id, "number": f"PO-{order_id}", "supplier_id": supplier_id,
            "currency": currency, "total": Decimal(total), "accepted_value": Decimal(accepted),
            "from_status": from_status, "to_status": to_status, "reason": None,
            "changed_by": "u-buyer", "changed_at": T0})

    def received(self, receipt_id, order_id, supplier_id, received_on, expected_on, lines,
                 currency="EUR"):
        """`lines`: [(order_line_id, category, accepted_value)]."""
        return self.publish("goods_received", {
            "receipt_id": receipt_id, "number": f"GR-{receipt_id}", "order_id": order_id,
            "order_number": f"PO-{order_id}", "supplier_id": supplier_id, "currency": currency,
            "received_on": received_on, "expected_on": expected_on,
            "on_time": received_on <= expected_on,
            "accepted_value": sum(Decimal(value) for _l, _c, value in lines),
            "lines": [{"order_line_id": line, "category": category,
                       "quantity_received": Decimal(1), "quantity_rejected": Decimal(0),
                       "unit_price": Decimal(value), "accepted_value": Decimal(value)}
                      for line, category, value in lines],
            "recorded_by": "u-buyer", "recorded_at": T0 + timedelta(days=1)})
