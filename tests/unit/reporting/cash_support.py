"""A fake sales log of the cash and target events (payloads as events-contract.md agrees)."""
import uuid
from datetime import date

from tests.unit.reporting.support import T0


class Cash:
    """Emits into a Sales fake's log (one producer, one sequence)."""

    def __init__(self, sales):
        self.sales, self.invoices, self.payments, self.targets = sales, {}, [], {}
        self.cancelled = set()
        sales.cash = self

    def issue(self, invoice_id, total, issued_on, due_on, owner_id="u-a", currency="USD"):
        invoice = {"id": invoice_id, "number": f"INV-{invoice_id}", "order_id": None,
                   "deal_id": "d1", "customer_id": "c1", "owner_id": owner_id, "total": total,
                   "currency": currency, "issued_on": issued_on.isoformat(),
                   "due_on": due_on.isoformat(), "lines": [], "issued_at": T0.isoformat(),
                   "issued_by": owner_id}
        self.invoices[invoice_id] = invoice
        return self.sales.emit("invoice_issued", dict(invoice))

    def pay(self, invoice_id, amount, received_on, payment_id=None):
        invoice = self.invoices[invoice_id]
        payment = {"id": payment_id or str(uuid.uuid4()), "invoice_id": invoice_id,
                   "invoice_number": invoice["number"], "deal_id": "d1", "customer_id": "c1",
                   "owner_id": invoice["owner_id"], "amount": amount,
                   "currency": invoice["currency"], "received_on": received_on.isoformat(),
                   "method": "wire", "reference": None, "recorded_at": T0.isoformat(),
                   "recorded_by": "u-a", "outstanding_after": "0.00", "invoice_status": "paid"}
        self.payments.append(payment)
        return self.sales.emit("payment_received", payment)

    def overdue(self, invoice_id):
        invoice = self.invoices[invoice_id]
        return self.sales.emit("invoice_overdue", {
            "id": invoice_id, "number": invoice["number"], "deal_id": "d1", "customer_id": "c1",
            "owner_id": invoice["owner_id"], "outstanding": invoice["total"],
            "currency": invoice["currency"], "due_on": invoice["due_on"],
            "detected_at": T0.isoformat()})

    def cancel(self, invoice_id):
        invoice = self.invoices[invoice_id]
        self.cancelled.add(invoice_id)
        return self.sales.emit("invoice_cancelled", {
            "id": invoice_id, "number": invoice["number"], "deal_id": "d1", "customer_id": "c1",
            "owner_id": invoice["owner_id"], "total": invoice["total"],
            "currency": invoice["currency"], "cancelled_at": T0.isoformat(),
            "cancelled_by": "u-a", "reason": "duplicate"})

    def target(self, target_id, amount, scope="company", scope_value=None,
               measure="won_revenue", period=("quarter", date(2025, 1, 1), date(2025, 3, 31)),
               currency="EUR"):
        kind, start, end = period
        target = {"id": target_id, "period_kind": kind, "period_start": start.isoformat(),
                  "period_end": end.isoformat(), "scope": scope, "scope_value": scope_value,
                  "measure": measure, "amount": amount, "currency": currency, "parent_id": None,
                  "set_by": "u-admin", "set_at": T0.isoformat()}
        self.targets[target_id] = dict(target)
        return self.sales.emit("target_set", target)

    def remove(self, target_id):
        return self.sales.emit("target_removed", {"id": target_id, "removed_by": "u-admin",
                                                  "removed_at": T0.isoformat()})

    def facts(self):
        """What sales' reconcile_cash_facts answers (the fields reporting reads)."""
        return [{"id": i["id"], "owner_id": i["owner_id"], "currency": i["currency"],
                 "total": i["total"], "issued_on": i["issued_on"], "due_on": i["due_on"],
                 "status": "cancelled" if i["id"] in self.cancelled else "issued",
                 "payments": [{"id": p["id"], "amount": p["amount"],
                               "received_on": p["received_on"]}
                              for p in self.payments if p["invoice_id"] == i["id"]]}
                for i in sorted(self.invoices.values(), key=lambda i: i["id"])]

    def target_facts(self):
        """What sales' reconcile_target_facts answers: the live targets."""
        removed = {e["payload"]["id"] for e in self.sales.events
                   if e["event_type"] == "target_removed"}
        return [{key: target[key] for key in ("id", "period_kind", "period_start", "period_end",
                                              "scope", "scope_value", "measure", "amount",
                                              "currency", "parent_id")}
                for target_id, target in sorted(self.targets.items()) if target_id not in removed]
