"""The service desk's copy of who its tickets are about and who answers them, kept from
customers' and identity's events (never from their tables):

- `desk_customer`: a customer's name, email, owner (a sales rep sees the tickets of the
  customers they can see) and value class; `merged_into` once merged away. A row may exist
  before its customer_created arrived (`known` false) when a later event came first;
- `desk_contact`: a customer's contact persons (a ticket's contact must be one of them) and
  their email (an inbound mail from it is theirs);
- `user_copy`: identity's users (the shared kernel's columns): agents, their teams, managers.

Each group of fields remembers the sequence (customers' log) of the event that set it last,
so an older event never overwrites a newer one.
"""
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.kernel.users_copy import UserCopyColumns
from services.service_desk.base import Base


class DeskCustomer(Base):
    __tablename__ = "desk_customer"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    known: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    value_class: Mapped[str | None] = mapped_column(String(1))
    owner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    merged_into: Mapped[str | None] = mapped_column(String(36))
    record_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    owner_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class DeskContact(Base):
    __tablename__ = "desk_contact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254), index=True)   # trimmed, lower-cased
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class UserCopy(UserCopyColumns, Base):
    """identity's users as their events describe them (services/kernel/users_copy.py)."""
    __tablename__ = "user_copy"
