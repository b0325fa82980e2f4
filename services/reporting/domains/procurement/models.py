"""Procurement's facts as reporting keeps them, keyed by natural ids so an event applied twice
or out of order lands on the same row; the sequence columns keep an older event from
overwriting a newer one (procurement locks a supplier, a request, an order for every change,
so their events' sequences follow each one's history).

- `proc_supplier_fact`: a supplier's name and status (record and status events) and its current
  evaluation (the latest `supplier_evaluated` that says `current`: its score and whether it is
  under its threshold — flagged);
- `proc_evaluation_fact`: every evaluation (the scorecard's history);
- `proc_approval_fact`: a submitted request and its decision (approved or rejected) — the
  approval cycle time;
- `proc_order_fact`: an order's status, total and value accepted so far (open commitments);
- `proc_receipt_fact` / `proc_receipt_line_fact`: a goods receipt (date, on time) and its lines'
  accepted value per category (spend, on-time delivery).
Money is Cents (exact hundredths); currencies are never summed together.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Date, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import Cents, UtcDateTime
from services.reporting.models import Base


class SupplierFact(Base):
    """`name` None: only a later event seen so far (reported as unnamed)."""
    __tablename__ = "proc_supplier_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str | None] = mapped_column(String(10))
    evaluation_id: Mapped[str | None] = mapped_column(String(36))
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    flagged: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    record_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    status_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    score_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class EvaluationFact(Base):
    __tablename__ = "proc_evaluation_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    supplier_id: Mapped[str] = mapped_column(String(36), nullable=False)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    order_id: Mapped[str | None] = mapped_column(String(36))
    weighted_score: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    evaluated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_proc_evaluation_fact_supplier", "supplier_id", "evaluated_at"),)


class ApprovalFact(Base):
    """`outcome` approved | rejected (None: submitted, undecided); `submitted_at` None: the
    decision seen before the submission (not reported until both are known)."""
    __tablename__ = "proc_approval_fact"
    request_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(10))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_proc_approval_fact_decided", "decided_at"),)


class OrderFact(Base):
    __tablename__ = "proc_order_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    supplier_id: Mapped[str] = mapped_column(String(36), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    total: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    accepted_value: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    status_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)

    __table_args__ = (Index("ix_proc_order_fact_status", "status", "supplier_id"),)


class ReceiptFact(Base):
    __tablename__ = "proc_receipt_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(36), nullable=False)
    supplier_id: Mapped[str] = mapped_column(String(36), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    on_time: Mapped[bool] = mapped_column(Boolean, nullable=False)
    accepted_value: Mapped[Decimal] = mapped_column(Cents, nullable=False)

    __table_args__ = (Index("ix_proc_receipt_fact_received", "received_on", "supplier_id"),
                      Index("ix_proc_receipt_fact_order", "order_id"))


class ReceiptLineFact(Base):
    """One receipt line: `category` "uncategorised" when the order line has none."""
    __tablename__ = "proc_receipt_line_fact"
    receipt_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_line_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    supplier_id: Mapped[str] = mapped_column(String(36), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    category: Mapped[str] = mapped_column(String(64), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    accepted_value: Mapped[Decimal] = mapped_column(Cents, nullable=False)

    __table_args__ = (Index("ix_proc_receipt_line_fact_received", "received_on"),)
