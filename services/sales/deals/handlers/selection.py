"""The filters the deals list and the pipeline board share (owner, product, expected close
date), applied the same way so a board column's count equals the list of that stage's deals."""
from sqlalchemy import exists, select

from services.sales.deals.models import Deal, DealLine

SHARED = ("owner_id", "product_id", "close_from", "close_to")


def narrowed(statement, filters):
    if filters.get("owner_id") is not None:
        statement = statement.where(Deal.owner_id == filters["owner_id"])
    if filters.get("product_id") is not None:
        statement = statement.where(exists(select(DealLine.deal_id).where(
            DealLine.deal_id == Deal.id, DealLine.product_id == filters["product_id"])))
    if filters.get("close_from") is not None:
        statement = statement.where(Deal.expected_close_date >= filters["close_from"])
    if filters.get("close_to") is not None:
        statement = statement.where(Deal.expected_close_date <= filters["close_to"])
    return statement
