"""Quotes, contracts and orders with their lines; and the per-year counters that number
documents (quotes, contracts, orders, invoices) without gaps (handlers/numbering.py).

`owner_id` is the deal's owner when the document was made: the record scope, like deals.
Numbers look like "Q-2026-00001" (kind, year, position in the year).
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import Cents, UtcDateTime, utcnow
from services.sales.base import Base, LineColumns


class DocumentCounter(Base):
    """The last number given per document kind ("INV", ...) and year. Incremented inside the
    issuing transaction, so a rollback gives the number back: no gaps, no duplicates."""
    __tablename__ = "document_counter"
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, nullable=False)


class Quote(Base):
    __tablename__ = "quote"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    deal_id: Mapped[str] = mapped_column(ForeignKey("deal.id"), nullable=False, index=True)
    customer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    owner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    total: Mapped[Decimal] = mapped_column("total_cents", Cents, nullable=False)
    valid_until: Mapped[date] = mapped_column(Date, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_quote_created_sort", "created_at", "id"),
                      Index("ix_quote_expiry_scan", "status", "valid_until"))


class QuoteLine(LineColumns, Base):
    __tablename__ = "quote_line"
    quote_id: Mapped[str] = mapped_column(ForeignKey("quote.id"), primary_key=True)


class Contract(Base):
    """Signed from an accepted quote or a won deal. `renewal_due_at` is set once, by the timer
    that emits contract_renewal_due (ends_on − renewal_notice_days reached)."""
    __tablename__ = "contract"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    deal_id: Mapped[str] = mapped_column(ForeignKey("deal.id"), nullable=False, index=True)
    quote_id: Mapped[str | None] = mapped_column(ForeignKey("quote.id"), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    owner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    value: Mapped[Decimal] = mapped_column("value_cents", Cents, nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    renewal_notice_days: Mapped[int] = mapped_column(Integer, nullable=False)
    renewal_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    signed_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_contract_created_sort", "created_at", "id"),)


class SalesOrder(Base):
    """An order placed from a contract, an accepted quote or a won deal (lines copied)."""
    __tablename__ = "sales_order"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    deal_id: Mapped[str] = mapped_column(ForeignKey("deal.id"), nullable=False, index=True)
    contract_id: Mapped[str | None] = mapped_column(ForeignKey("contract.id"), index=True)
    quote_id: Mapped[str | None] = mapped_column(ForeignKey("quote.id"), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    owner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    total: Mapped[Decimal] = mapped_column("total_cents", Cents, nullable=False)
    placed_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_sales_order_created_sort", "created_at", "id"),)


class OrderLine(LineColumns, Base):
    __tablename__ = "order_line"
    order_id: Mapped[str] = mapped_column(ForeignKey("sales_order.id"), primary_key=True)
