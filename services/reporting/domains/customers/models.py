"""The customer KPIs' tables: one fact per customer, and the rollups kept in step with it
(see services/reporting/models.py for the "" key convention)."""
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.reporting.models import Base, key


class CustomerFact(Base):
    """A customer's current dimensions. Separate sequences for the record fields and the owner:
    customer_assigned carries only the owner, so it must not hide an older full record that
    arrives after it (live and catch-up deliver in any order)."""
    __tablename__ = "customer_fact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lifecycle_stage: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(64))
    value_class: Mapped[str | None] = mapped_column(String(1))
    industry: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)          # employees (no rollup keys on it)
    owner_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    merged: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    record_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    owner_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class CustomerComposition(Base):
    """Live (not merged) customers now, by every dimension."""
    __tablename__ = "customer_composition"
    owner_id: Mapped[str] = key(36)
    lifecycle_stage: Mapped[str] = key(20)
    region: Mapped[str] = key(64)
    value_class: Mapped[str] = key(1)
    industry: Mapped[str] = key(100)
    count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class NewCustomers(Base):
    """Live customers by creation bucket (UTC epoch seconds, 15 minutes wide: every time zone's
    days, weeks and months are whole buckets) and their current dimensions."""
    __tablename__ = "new_customers"
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    owner_id: Mapped[str] = key(36)
    lifecycle_stage: Mapped[str] = key(20)
    region: Mapped[str] = key(64)
    value_class: Mapped[str] = key(1)
    industry: Mapped[str] = key(100)
    count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class InteractionActivity(Base):
    """Interactions by bucket of their occurred_at, the rep who logged them, the customer's
    owner when they were logged, and kind."""
    __tablename__ = "interaction_activity"
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[str] = key(64)
    owner_id: Mapped[str] = key(36)
    kind: Mapped[str] = key(20)
    count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
