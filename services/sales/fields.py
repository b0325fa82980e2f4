"""Exact-number fields for sales inputs: a discount is a percentage — the chassis's `Percent`
(services/chassis/fields.py: the rules of `Money`, capped at 100), named here as sales' schemas
import it."""
from services.chassis.fields import Percent  # noqa: F401
