"""Supplier evaluation — procurement's own data:

- `evaluation_config`: one row — the criteria (key, name, weight) and the flag threshold, as
  last set (criteria.py holds the defaults used until a buyer sets them);
- `supplier_evaluation`: one supplier scored for one subject — an evaluation period
  (`subject` "period:<start>/<end>", `period_start`/`period_end` set) or one of its purchase
  orders (`subject` "order:<id>", `order_id` set); one evaluation per supplier and subject —
  with its scores per criterion and the weights in force then (so a later change of the
  weights does not rewrite history), the weighted score, the threshold it was held against,
  who scored it and when. `as_of` is the day it speaks for — a period's end, an order's last
  goods receipt — and orders the history: the latest `as_of` is the supplier's score.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.procurement.base import Base


class EvaluationConfig(Base):
    __tablename__ = "evaluation_config"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)           # always 1
    criteria: Mapped[str] = mapped_column(Text, nullable=False)          # JSON [{key, name, weight}]
    flag_threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class SupplierEvaluation(Base):
    __tablename__ = "supplier_evaluation"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    supplier_id: Mapped[str] = mapped_column(String(36), nullable=False)
    subject: Mapped[str] = mapped_column(String(80), nullable=False)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    order_id: Mapped[str | None] = mapped_column(String(36))
    as_of: Mapped[date] = mapped_column(Date, nullable=False)
    scores: Mapped[str] = mapped_column(Text, nullable=False)        # JSON {criterion: "85.00"}
    weights: Mapped[str] = mapped_column(Text, nullable=False)       # JSON {criterion: weight}
    weighted_score: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    below_threshold: Mapped[bool] = mapped_column(Boolean, nullable=False)
    comment: Mapped[str | None] = mapped_column(Text)
    evaluated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint("supplier_id", "subject", name="uq_supplier_evaluation_subject"),
        Index("ix_supplier_evaluation_supplier", "supplier_id", "created_at", "id"),
        Index("ix_supplier_evaluation_latest", "supplier_id", "as_of"),
    )
