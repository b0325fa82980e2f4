"""Deals with their lines and stage history, and the configurable pipeline they move through."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import Cents, UtcDateTime, utcnow
from services.sales.base import Base, LineColumns


class PipelineStage(Base):
    """The pipeline, seeded by the initial migration; `kind` open | won | lost."""
    __tablename__ = "pipeline_stage"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    probability: Mapped[int] = mapped_column(Integer, nullable=False)      # percent
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


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
