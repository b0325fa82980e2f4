"""Exact-number fields for sales inputs: a discount is a percentage with the rules of the
chassis's `Money` (2 decimals, strings, never floats), capped at 100."""
from decimal import Decimal

from marshmallow import ValidationError

from services.chassis.fields import Money

HUNDRED = Decimal("100")


class Percent(Money):
    json_schema = {**Money.json_schema, "maximum": 100,
                   "pattern": r"^(100(\.00?)?|[0-9]{1,2}(\.[0-9]{1,2})?)$"}

    def _deserialize(self, value, attr, data, **kwargs):
        amount = super()._deserialize(value, attr, data, **kwargs)
        if amount > HUNDRED:
            raise ValidationError("Must be between 0 and 100.")
        return amount
