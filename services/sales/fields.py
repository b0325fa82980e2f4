"""Exact-number fields for sales inputs. Money reuses customers' `Money` (2 decimals, strings,
never floats); a discount is a percentage with the same rules, capped at 100."""
from decimal import Decimal

from marshmallow import ValidationError

# Shared with customers on purpose: a lead's details must pass customers' own checks when it
# is converted. (Candidates for the chassis.)
from services.customers.validators import Money, currency, not_blank, phone  # noqa: F401

HUNDRED = Decimal("100")


class Percent(Money):
    def _deserialize(self, value, attr, data, **kwargs):
        amount = super()._deserialize(value, attr, data, **kwargs)
        if amount > HUNDRED:
            raise ValidationError("Must be between 0 and 100.")
        return amount
