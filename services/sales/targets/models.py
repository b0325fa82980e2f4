"""Sales targets: an amount to reach in a period (month / quarter / year) for the company, a
region, a product line (product series) or a rep, measured as won revenue or cash collected.

One row per (period_kind, period_start, scope, scope_value, measure, currency): setting the
same target again changes its amount. `scope_value` is "" for the company (not NULL, so the
unique constraint holds for it too; the API and events show null). `at_risk_notified_on`: the
UTC day target_at_risk was last emitted (a conditional UPDATE claims the day: once per day).
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import Cents, UtcDateTime, utcnow
from services.sales.base import Base


class SalesTarget(Base):
    __tablename__ = "sales_target"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    period_kind: Mapped[str] = mapped_column(String(10), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)          # inclusive
    scope: Mapped[str] = mapped_column(String(20), nullable=False)
    scope_value: Mapped[str] = mapped_column(String(100), nullable=False)
    measure: Mapped[str] = mapped_column(String(20), nullable=False)
    amount: Mapped[Decimal] = mapped_column("amount_cents", Cents, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    at_risk_notified_on: Mapped[date | None] = mapped_column(Date)
    set_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("period_kind", "period_start", "scope", "scope_value",
                                       "measure", "currency", name="uq_sales_target"),)
