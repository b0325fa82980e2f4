"""The events an automation rule may be triggered by — an explicit catalogue, not "any string":
each entry names its producer, its event type, the tolerant copy it is read through
(consumes.py), the payload fields a condition may name (with the kinds and operators of the
segment rules: segments/rules.py) and which payload field, if any, names the customer the
event is about (a rule on an event without one may not use contact conditions nor customer
actions). Marketing subscribes to every entry (service.py), so each is received live and by
the catch-up; a rule naming anything else is a 422 that names it.

deal_stage_changed and target_at_risk carry no customer: conditions on their payload only.
The service desk's ticket events name the ticket's customer.
"""
from dataclasses import dataclass

from services.marketing.audience.consumes import FROM_CUSTOMERS, FROM_SALES
from services.marketing.automation import consumes
from services.marketing.segments.rules import MONEY, NUMBER, SET, TEXT


@dataclass(frozen=True)
class Trigger:
    source: str
    event_type: str
    copy: type                 # the tolerant copy its payload is read through
    fields: dict               # {field: kind} a condition may name
    customer_field: str | None = None
    description: str = ""

    @property
    def key(self):
        return f"{self.source}.{self.event_type}"

    def read(self, payload):
        """The payload as conditions see it: typed; an amount as {currency: Decimal} (so a
        condition in another currency never matches it); order / deal lines as `products`."""
        data = self.copy().load(payload)
        flat = {name: data.get(name) for name in self.fields}
        for name, kind in self.fields.items():
            if kind == MONEY:
                flat[name] = {data["currency"]: data[name]}
        if "products" in self.fields:
            flat["products"] = sorted({line["product_id"] for line in data.get("lines") or ()})
        return flat

    def customer_of(self, payload):
        return payload.get(self.customer_field) if self.customer_field else None


CUSTOMER_FIELDS = {**dict.fromkeys(("id", "kind", "name", "industry", "region", "lifecycle_stage",
                                    "value_class", "owner_id", "source"), TEXT), "size": NUMBER}

TRIGGERS = {t.key: t for t in (
    Trigger("customers", "customer_created", consumes.CustomerCreated, CUSTOMER_FIELDS, "id",
            "A customer was created."),
    Trigger("customers", "customer_updated", consumes.CustomerUpdated,
            {**CUSTOMER_FIELDS, "changed": SET}, "id",
            "A customer's record changed (`changed`: the fields that did)."),
    Trigger("customers", "customer_tagged", consumes.CustomerTagged,
            {"customer_id": TEXT, "tags": SET, "added": SET, "removed": SET}, "customer_id",
            "A customer's tags changed (`tags`: all of them after the change)."),
    Trigger("sales", "deal_won", consumes.DealWon,
            {"id": TEXT, "name": TEXT, "customer_id": TEXT, "owner_id": TEXT, "amount": MONEY,
             "currency": TEXT, "products": SET}, "customer_id", "A deal was won."),
    Trigger("sales", "deal_stage_changed", consumes.DealStageChanged,
            {"deal_id": TEXT, "from_stage": TEXT, "to_stage": TEXT, "probability": NUMBER,
             "amount": MONEY, "currency": TEXT, "owner_id": TEXT}, None,
            "A deal moved to another stage (the event names no customer)."),
    Trigger("sales", "order_placed", consumes.OrderPlaced,
            {"id": TEXT, "number": TEXT, "deal_id": TEXT, "customer_id": TEXT, "owner_id": TEXT,
             "total": MONEY, "currency": TEXT, "products": SET}, "customer_id",
            "An order was placed."),
    Trigger("sales", "target_at_risk", consumes.TargetAtRisk,
            {"id": TEXT, "period_kind": TEXT, "scope": TEXT, "scope_value": TEXT, "measure": TEXT,
             "amount": MONEY, "attained": MONEY, "expected_by_now": MONEY,
             "pace_percent": NUMBER, "currency": TEXT}, None,
            "A sales target is behind its pace (scope_value: the rep or region; no customer)."),
    Trigger("service_desk", "ticket_created", consumes.TicketCreated,
            {"id": TEXT, "customer_id": TEXT, "subject": TEXT, "category": TEXT,
             "priority": TEXT, "channel": TEXT, "tags": SET, "status": TEXT}, "customer_id",
            "A support ticket was opened for a customer."),
    Trigger("service_desk", "ticket_status_changed", consumes.TicketStatusChanged,
            {"ticket_id": TEXT, "customer_id": TEXT, "from_status": TEXT, "to_status": TEXT,
             "from_category": TEXT, "to_category": TEXT, "reason": TEXT}, "customer_id",
            "A ticket changed status (to_category resolved: the customer's issue is solved)."),
)}

# Every (source, event type) marketing consumes, for the audience or for automation.
CONSUMED = {"customers": dict(FROM_CUSTOMERS),
            "sales": {**FROM_SALES, **consumes.FROM_SALES},
            "service_desk": dict(consumes.FROM_SERVICE_DESK)}


def trigger(key):
    return TRIGGERS.get(key)


def find(source, event_type):
    return TRIGGERS.get(f"{source}.{event_type}")
