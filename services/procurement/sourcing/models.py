"""Quotations — procurement's own data:

- `quotation`: one supplier asked to quote for one approved purchase request (one per request
  and supplier): `requested` → `received` (its offer recorded) → `chosen` | `declined` (the
  others, when one is chosen), or `withdrawn` before a choice. The offer: currency, exact total,
  the delivery date the supplier promises, how long the offer is valid; the choice: who, when
  and why (the reason is required and kept);
- `quotation_line`: the offer for one line of the request: quantity, unit price (exact cents),
  the line's total.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import Cents, UtcDateTime
from services.procurement.base import Base


class Quotation(Base):
    __tablename__ = "quotation"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(36), nullable=False)
    supplier_id: Mapped[str] = mapped_column(String(36), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    respond_by: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str | None] = mapped_column(String(3))
    total: Mapped[Decimal | None] = mapped_column(Cents)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    choice_reason: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(64), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    recorded_by: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint("request_id", "supplier_id", name="uq_quotation_request_supplier"),
        Index("ix_quotation_supplier", "supplier_id", "requested_at"),
    )


class QuotationLine(Base):
    __tablename__ = "quotation_line"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    quotation_id: Mapped[str] = mapped_column(String(36), nullable=False)
    request_line_id: Mapped[str] = mapped_column(String(36), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    line_total: Mapped[Decimal] = mapped_column(Cents, nullable=False)

    __table_args__ = (UniqueConstraint("quotation_id", "request_line_id",
                                       name="uq_quotation_line_request_line"),)
