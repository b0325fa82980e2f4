"""Purchase requests — procurement's own data:

- `purchase_request`: who asks (requester and their team, for the managers who approve), what
  for (title, justification), the currency and the exact total of its lines' estimates, where
  it is (statuses.py) and at which approval step;
- `purchase_request_line`: item, description, quantity and unit, estimated unit price (exact
  cents) and the line's total, when it is needed by, its category (what spend reports group
  by). Quotations and orders (later) point at a request's lines by id;
- `purchase_request_step`: the approval chain fixed when the request is submitted (from the
  policy in force then): one row per step with the role that decides it, waiting / pending /
  approved / rejected / skipped, who decided, when, and their comment;
- `approval_policy`: the chain by amount per currency ("*": any other currency) — tiers of
  (up to an amount, the roles in order); policy.py holds the default.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import Cents, UtcDateTime
from services.procurement.base import Base


class PurchaseRequest(Base):
    __tablename__ = "purchase_request"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    requester_id: Mapped[str] = mapped_column(String(64), nullable=False)
    requester_team_id: Mapped[str | None] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    justification: Mapped[str] = mapped_column(Text, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    total: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    current_step: Mapped[int | None] = mapped_column(Integer)     # the pending step's position
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_purchase_request_created", "created_at", "id"),
        Index("ix_purchase_request_requester", "requester_id", "created_at"),
        Index("ix_purchase_request_team", "requester_team_id", "created_at"),
        Index("ix_purchase_request_status", "status", "created_at"),
    )


class PurchaseRequestLine(Base):
    __tablename__ = "purchase_request_line"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(36), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    item: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    unit: Mapped[str] = mapped_column(String(20), nullable=False)
    estimated_unit_price: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    line_total: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    needed_by: Mapped[date | None] = mapped_column(Date)
    category: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("request_id", "position",
                                       name="uq_purchase_request_line_position"),)


class PurchaseRequestStep(Base):
    __tablename__ = "purchase_request_step"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(36), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    comment: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("request_id", "position",
                                       name="uq_purchase_request_step_position"),)


class ApprovalPolicy(Base):
    __tablename__ = "approval_policy"
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)      # ISO 4217 or "*"
    tiers: Mapped[str] = mapped_column(Text, nullable=False)   # JSON [{up_to, steps}] ascending
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
