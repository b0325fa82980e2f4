"""The sales service's own tables: products, leads, deals (with lines and stage history), the
configurable pipeline, and its copy of identity's users (assignment pools, managers' teams).

Money is exact hundredths (the chassis's `Cents` type: never a float); a discount is a percentage
with two decimals, stored as basis points for the same reason.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.kernel.assignment import AssignmentCursorColumns
from services.chassis.models import Cents, UtcDateTime, utcnow
from services.kernel.users_copy import UserCopyColumns

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


class UserCopy(UserCopyColumns, Base):
    """identity's users as their events describe them (services/kernel/users_copy.py)."""
    __tablename__ = "user_copy"


class AssignmentCursor(AssignmentCursorColumns, Base):
    """Round-robin position per pool of reps (services/kernel/assignment.py)."""
    __tablename__ = "assignment_cursor"


class Product(Base):
    __tablename__ = "product"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_norm: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    series: Mapped[str | None] = mapped_column(String(100))
    list_price: Mapped[Decimal] = mapped_column("list_price_cents", Cents, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class PipelineStage(Base):
    """The pipeline, seeded by the initial migration; `kind` open | won | lost."""
    __tablename__ = "pipeline_stage"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    probability: Mapped[int] = mapped_column(Integer, nullable=False)      # percent
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class Lead(Base):
    __tablename__ = "lead"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="new")
    source: Mapped[str | None] = mapped_column(String(50))
    campaign: Mapped[str | None] = mapped_column(String(100))
    contact_name: Mapped[str] = mapped_column(String(200), nullable=False)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_title: Mapped[str | None] = mapped_column(String(100))
    company_name: Mapped[str | None] = mapped_column(String(200))
    industry: Mapped[str | None] = mapped_column(String(100))
    company_size: Mapped[int | None] = mapped_column(Integer)
    website: Mapped[str | None] = mapped_column(String(2048))
    region: Mapped[str | None] = mapped_column(String(64))
    owner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    score: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    score_factors: Mapped[str] = mapped_column(Text, nullable=False, default="[]")   # JSON
    disqualified_reason: Mapped[str | None] = mapped_column(String(500))
    customer_id: Mapped[str | None] = mapped_column(String(36))
    deal_id: Mapped[str | None] = mapped_column(String(36))
    converted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_lead_created_sort", "created_at", "id"),)


class LeadConversion(Base):
    """One per lead: the frozen conversion request and how far it got (handlers/conversion.py)."""
    __tablename__ = "lead_conversion"
    lead_id: Mapped[str] = mapped_column(ForeignKey("lead.id"), primary_key=True)
    request: Mapped[str] = mapped_column(Text, nullable=False)            # JSON, validated
    status: Mapped[str] = mapped_column(String(20), nullable=False)       # pending | done
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Until then an attempt may still be talking to customers: a concurrent one must wait.
    lease_until: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    customer_id: Mapped[str | None] = mapped_column(String(36))
    customer_link: Mapped[str | None] = mapped_column(String(10))         # created | existing
    deal_id: Mapped[str | None] = mapped_column(String(36))
    started_by: Mapped[str] = mapped_column(String(64), nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Deal(Base):
    __tablename__ = "deal"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    # None only for an imported open deal whose source had no account (it cannot be won so).
    customer_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    lead_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    owner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    stage: Mapped[str] = mapped_column(ForeignKey("pipeline_stage.key"), nullable=False)
    amount: Mapped[Decimal] = mapped_column("amount_cents", Cents, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    expected_close_date: Mapped[date | None] = mapped_column(Date)
    lost_reason: Mapped[str | None] = mapped_column(String(500))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    stage_changed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_deal_created_sort", "created_at", "id"),
                      Index("ix_deal_stage", "stage"))


class LineColumns:
    """A priced line of a deal, quote, order or invoice: the product as it was named and priced
    on that document (handlers/lines.py computes `total`). Each table adds its parent's key
    first; sort_order keeps these columns after it, in this order, so the primary key stays
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


class DealLine(LineColumns, Base):
    __tablename__ = "deal_line"
    deal_id: Mapped[str] = mapped_column(ForeignKey("deal.id"), primary_key=True)
    # Only a deal's lines point at the price list; documents keep what they were made from.
    product_id: Mapped[str] = mapped_column(ForeignKey("product.id"), nullable=False,
                                            sort_order=2)


class DealStageChange(Base):
    """Every stage a deal entered: time in stage and sales cycle are differences of these."""
    __tablename__ = "deal_stage_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    deal_id: Mapped[str] = mapped_column(ForeignKey("deal.id"), nullable=False)
    from_stage: Mapped[str | None] = mapped_column(String(40))
    to_stage: Mapped[str] = mapped_column(String(40), nullable=False)
    changed_by: Mapped[str] = mapped_column(String(64), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (Index("ix_deal_stage_change_deal", "deal_id", "id"),)


# The parts built in their own files register their tables on the same Base (keep at the end).
from services.sales import models_cash  # noqa: E402,F401
from services.sales import models_tasks  # noqa: E402,F401
from services.sales import models_import  # noqa: E402,F401
from services.sales import models_targets  # noqa: E402,F401
from services.sales import models_documents  # noqa: E402,F401
