"""Churn risk's own tables: each interaction's customer and time (customers' interaction_logged;
the customers domain keeps only per-rep rollups, and the risk needs each customer's latest
contact up to any as-of date), and the risk pass's memory of who is at risk now — what makes
customer_at_risk fire once per crossing of the threshold, not on every pass."""
from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.reporting.models import Base


class InteractionFact(Base):
    """An interaction with a customer (moved to the winner when customers merges them)."""
    __tablename__ = "analytics_interaction_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_analytics_interaction_customer", "customer_id", "occurred_at"),)


class ChurnRiskState(Base):
    """Whether the customer was at risk (score ≥ the threshold) at the last pass that looked
    at it; `at_risk` flips to true only by a claim (services/chassis/periodic.py) whose winner
    publishes customer_at_risk."""
    __tablename__ = "analytics_churn_risk_state"
    customer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at_risk: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    score: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
