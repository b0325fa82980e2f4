"""What every area's models share: the declarative Base of the sales database, the Percent
column type, and the columns of a priced line (deal, quote, order and invoice lines).

Money is exact hundredths (the chassis's `Cents` type: never a float); a discount is a percentage
with two decimals, stored as basis points for the same reason.
"""
from decimal import Decimal

from sqlalchemy import Integer, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.models import Cents

BASIS = Decimal("0.01")


class Percent(TypeDecorator):
    """0.00..100.00 as integer basis points (Decimal in, Decimal out)."""
    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value, dialect):
        return None if value is None else (Decimal(value) / 100).quantize(BASIS)


class Base(DeclarativeBase):
    pass


class LineColumns:
    """A priced line of a deal, quote, order or invoice: the product as it was named and priced
    on that document (deals/handlers/lines.py computes `total`). Each table adds its parent's
    key first; sort_order keeps these columns after it, in this order, so the primary key stays
    (parent, position)."""
    position: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=1)
    product_id: Mapped[str] = mapped_column(String(36), nullable=False, sort_order=2)
    product_name: Mapped[str] = mapped_column(String(200), nullable=False, sort_order=3)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False, sort_order=4)
    unit_price: Mapped[Decimal] = mapped_column("unit_price_cents", Cents, nullable=False,
                                                sort_order=5)
    discount_percent: Mapped[Decimal] = mapped_column("discount_bp", Percent, nullable=False,
                                                      sort_order=6)
    total: Mapped[Decimal] = mapped_column("total_cents", Cents, nullable=False, sort_order=7)
