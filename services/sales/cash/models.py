"""Invoices, their lines and the payments received against them (numbered by the documents'
gap-free counter, documents/handlers/numbering.py).

An invoice keeps a running `paid` (the sum of its payments, changed under the invoice's row lock
with each payment), so its outstanding balance and status never need a sum over payments.
`owner_id` is the deal's owner when the invoice was issued: the record scope, like deals.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import Cents, UtcDateTime, utcnow
from services.sales.base import Base, LineColumns


class Invoice(Base):
    __tablename__ = "invoice"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    order_id: Mapped[str | None] = mapped_column(String(36), index=True)
    deal_id: Mapped[str] = mapped_column(ForeignKey("deal.id"), nullable=False, index=True)
    customer_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    owner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    total: Mapped[Decimal] = mapped_column("total_cents", Cents, nullable=False)
    paid: Mapped[Decimal] = mapped_column("paid_cents", Cents, nullable=False)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    overdue_at: Mapped[datetime | None] = mapped_column(UtcDateTime)      # invoice_overdue sent
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    issued_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_invoice_created_sort", "created_at", "id"),
                      Index("ix_invoice_overdue_scan", "status", "due_on"))

    @property
    def outstanding(self):
        return self.total - self.paid


class InvoiceLine(LineColumns, Base):
    __tablename__ = "invoice_line"
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoice.id"), primary_key=True)


class Payment(Base):
    """Money received against an invoice. A client `reference` is unique per invoice: sending
    the same payment twice is refused, not booked twice (NULLs do not collide)."""
    __tablename__ = "payment"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoice.id"), nullable=False)
    amount: Mapped[Decimal] = mapped_column("amount_cents", Cents, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    method: Mapped[str | None] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(100))
    outstanding_after: Mapped[Decimal] = mapped_column("outstanding_after_cents", Cents,
                                                       nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("invoice_id", "reference", name="uq_payment_reference"),
                      Index("ix_payment_invoice", "invoice_id", "recorded_at"))
