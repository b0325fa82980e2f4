"""Campaigns — marketing's own data (issue 11 §4):

- `campaign`: what a marketer plans and runs — goal (a metric and its target), theme, channel,
  budget, dates, the segments it targets and those it excludes, owner — and where it is in its
  life (campaigns/lifecycle.py). `cost_total` is kept with the cost entries (an atomic change
  per entry), so a campaign's cost is read at once and always equals the sum of its entries;
- `campaign_cost`: each actual cost, exact money in the campaign's currency. An entry is never
  edited: a wrong one is removed (an event says so) and entered again.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import Cents, UtcDateTime
from services.marketing.base import Base

CHANNELS = ("email", "event", "social", "ads", "other")
# What a goal counts. Money goals (revenue) are amounts in the campaign's currency; the others
# are whole numbers.
GOAL_METRICS = ("reach", "opens", "clicks", "responses", "leads", "deals", "revenue")
MONEY_GOALS = ("revenue",)


class Campaign(Base):
    __tablename__ = "campaign"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_norm: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    theme: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    goal_metric: Mapped[str | None] = mapped_column(String(20))
    goal_target: Mapped[Decimal | None] = mapped_column("goal_target_cents", Cents)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    budget: Mapped[Decimal] = mapped_column("budget_cents", Cents, nullable=False)
    cost_total: Mapped[Decimal] = mapped_column("cost_total_cents", Cents, nullable=False)
    starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    segment_ids: Mapped[str] = mapped_column(Text, nullable=False, default="[]")   # JSON ids
    exclude_segment_ids: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    owner_id: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    status_changed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    # the timer's question: scheduled campaigns whose start came, running ones whose end did
    __table_args__ = (Index("ix_campaign_status_starts", "status", "starts_at"),
                      Index("ix_campaign_status_ends", "status", "ends_at"))


class CampaignCost(Base):
    __tablename__ = "campaign_cost"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(36), nullable=False)
    amount: Mapped[Decimal] = mapped_column("amount_cents", Cents, nullable=False)
    description: Mapped[str] = mapped_column(String(500), nullable=False)
    incurred_on: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_campaign_cost_campaign", "campaign_id", "created_at", "id"),)
