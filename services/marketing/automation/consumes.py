"""Tolerant copies (unknown=EXCLUDE) of the events an automation rule may be triggered by —
the payload fields a rule's conditions may name, typed. tests/contract/
test_marketing_automation_triggers.py loads what the producers' own schemas dump through them.
(The audience keeps its own, narrower copies of the events it projects: audience/consumes.py.)"""
from marshmallow import fields

from services.chassis.fields import Money
from services.marketing.audience.consumes import Line, Tolerant


def _text():
    return fields.String(allow_none=True, load_default=None)


class CustomerCreated(Tolerant):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    name = fields.String(required=True)
    industry = _text()
    size = fields.Integer(allow_none=True, load_default=None)
    region = _text()
    lifecycle_stage = fields.String(required=True)
    value_class = _text()
    owner_id = _text()
    source = _text()


class CustomerUpdated(CustomerCreated):
    changed = fields.List(fields.String(), load_default=list)   # the fields that changed


class CustomerTagged(Tolerant):
    customer_id = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    added = fields.List(fields.String(), load_default=list)
    removed = fields.List(fields.String(), load_default=list)


class DealWon(Tolerant):
    id = fields.String(required=True)
    name = fields.String(required=True)
    customer_id = _text()
    owner_id = _text()
    amount = Money(required=True)
    currency = fields.String(required=True)
    lines = fields.List(fields.Nested(Line), load_default=list)


class DealStageChanged(Tolerant):
    deal_id = fields.String(required=True)
    from_stage = _text()
    to_stage = fields.String(required=True)
    probability = fields.Integer(required=True)
    amount = Money(required=True)
    currency = fields.String(required=True)
    owner_id = _text()


class OrderPlaced(Tolerant):
    id = fields.String(required=True)
    number = fields.String(required=True)
    deal_id = _text()
    customer_id = _text()
    owner_id = _text()
    total = Money(required=True)
    currency = fields.String(required=True)
    lines = fields.List(fields.Nested(Line), required=True)


class TargetAtRisk(Tolerant):
    id = fields.String(required=True)
    period_kind = fields.String(required=True)
    scope = fields.String(required=True)
    scope_value = _text()
    measure = fields.String(required=True)
    amount = Money(required=True)
    attained = Money(required=True)
    expected_by_now = Money(required=True)
    pace_percent = fields.Integer(required=True)
    currency = fields.String(required=True)


class TicketCreated(Tolerant):
    id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)    # None: unmatched sender
    subject = fields.String(required=True)
    category = _text()
    priority = fields.String(required=True)
    channel = fields.String(required=True)
    tags = fields.List(fields.String(), load_default=list)
    status = fields.String(required=True)


class TicketStatusChanged(Tolerant):
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)    # None: unmatched sender
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)
    from_category = fields.String(required=True)
    to_category = fields.String(required=True)
    reason = fields.String(required=True)


# Only what marketing did not consume before automation (the audience consumes the rest).
FROM_SALES = {"target_at_risk": TargetAtRisk}
FROM_SERVICE_DESK = {"ticket_created": TicketCreated,
                     "ticket_status_changed": TicketStatusChanged}
