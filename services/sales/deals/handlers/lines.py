"""Deal line items and the deal amount, in exact decimals.

A line's total is quantity × unit price × (1 − discount %), rounded half-up to the cent per
line (what an invoice shows); the deal amount is the sum of the line totals.
"""
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import delete

from services.chassis.errors import Invalid
from services.chassis.fields import MAX_MONEY
from services.sales.deals.models import DealLine
from services.sales.products.models import Product

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")


def line_total(quantity, unit_price, discount_percent):
    gross = Decimal(quantity) * unit_price
    return (gross * (HUNDRED - discount_percent) / HUNDRED).quantize(CENT, ROUND_HALF_UP)


def weighted(amount, probability):
    """amount × stage probability, half-up to the cent (a deal's weighted amount; the board sums
    these per stage, reporting per any grouping)."""
    return (amount * probability / HUNDRED).quantize(CENT, ROUND_HALF_UP)


def resolve(session, lines, currency):
    """Validated line inputs → plain dicts with product name and price settled; every line's
    product must exist, be active and be priced in the deal's currency."""
    resolved, errors = [], {}
    for index, line in enumerate(lines):
        product = session.get(Product, line["product_id"])
        if product is None or not product.active:
            errors[str(index)] = {"product_id": ["No active product with this id."]}
            continue
        if line.get("unit_price") is None and product.currency != currency:
            errors[str(index)] = {"unit_price": [
                f"The list price is in {product.currency}; give a unit price in {currency}."]}
            continue
        unit_price = line.get("unit_price")
        if unit_price is None:
            unit_price = product.list_price
        resolved.append({"product_id": product.id, "product_name": product.name,
                         "quantity": line["quantity"], "unit_price": unit_price,
                         "discount_percent": line["discount_percent"],
                         "total": line_total(line["quantity"], unit_price,
                                             line["discount_percent"])})
    if errors:
        raise Invalid("The request is not valid.", {"lines": errors})
    if sum((line["total"] for line in resolved), ZERO) >= MAX_MONEY:
        # an amount is money too (stored in cents in a 64-bit integer): below 10^15
        raise Invalid("The request is not valid.", {"lines": [
            "The lines add up to 10^15 or more; a deal's amount must be below that."]})
    return resolved


def replace_lines(session, deal, resolved):
    """The deal's lines become `resolved`; its amount is their sum."""
    session.execute(delete(DealLine).where(DealLine.deal_id == deal.id))
    for position, line in enumerate(resolved, start=1):
        session.add(DealLine(deal_id=deal.id, position=position, **line))
    deal.amount = sum((line["total"] for line in resolved), ZERO)


def to_json(resolved):
    """For storing a resolved request (conversion): Decimals as strings."""
    return [{**line, **{k: str(line[k]) for k in ("unit_price", "discount_percent", "total")}}
            for line in resolved]


def from_json(stored):
    return [{**line, **{k: Decimal(line[k]) for k in ("unit_price", "discount_percent", "total")}}
            for line in stored]
