"""On-time delivery, computed from goods receipts, never typed in (issue 14): the share of a
supplier's receipts that came on or before their order's expected date — 100 × on time /
receipts, half up to 2 decimals — over an evaluation period (receipts received in it), one
purchase order (its receipts) or all time. No receipts: no rate (None), and an evaluation
leaves the criterion out."""
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from services.procurement.orders.models import GoodsReceipt

CRITERION = "on_time_delivery"
CENTS = Decimal("0.01")
NO_RECEIPTS = "No goods receipts from this supplier in the period: left out, the other " \
              "criteria's weights count."


def delivery(session, supplier_id, start=None, end=None, order_id=None):
    """{"receipts", "on_time", "on_time_rate" (None without receipts)} — received_on within
    [start, end] when given; only the order's receipts when `order_id` is."""
    query = select(func.count(GoodsReceipt.id),
                   func.count(GoodsReceipt.id).filter(GoodsReceipt.on_time.is_(True))).where(
        GoodsReceipt.supplier_id == supplier_id)
    if start is not None:
        query = query.where(GoodsReceipt.received_on >= start)
    if end is not None:
        query = query.where(GoodsReceipt.received_on <= end)
    if order_id is not None:
        query = query.where(GoodsReceipt.order_id == order_id)
    receipts, on_time = session.execute(query).one()
    return {"supplier_id": supplier_id, "receipts": receipts, "on_time": on_time,
            "on_time_rate": rate(on_time, receipts)}


def rate(on_time, receipts):
    if not receipts:
        return None
    return (Decimal(100 * on_time) / receipts).quantize(CENTS, rounding=ROUND_HALF_UP)
