"""audit's own tables, all built from the producers' events (never from their databases):

- `audit_records`: the last known state of every audited record (what the next change is
  compared with) and what decides who may see its history (owner, scope kind, region);
- `audit_entries`: the trail — one row per change of one field (or a creation / removal);
- `user_copy`: identity's users (names for the actors, teams for managers' scope).

Rebuildable: empty the three (and the inbox and positions) and replay the producers' logs."""
from datetime import datetime

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.kernel.users_copy import UserCopyColumns


class Base(DeclarativeBase):
    pass


class UserCopy(UserCopyColumns, Base):
    __tablename__ = "user_copy"


class AuditRecord(Base):
    """One audited record. `scope` says whose history it is (services/audit/scopes.py):
    `owner` (owner_id, like the records' own lists), `admin` (users, configuration), a
    target's scope (`target_company`, `target_region`, `target_product_line`, `target_rep`) or
    its producer's rule (`ticket`: team_id, owner_id the assignee, customer_id; `marketing`,
    `marketing_rules`, `supplier`: by role; `purchase_request`: owner_id the requester, team_id
    theirs; `purchase_contract` / `purchase_order`: parent_id their purchase request)."""
    __tablename__ = "audit_records"
    record_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(Text, nullable=False)             # JSON: tracked fields
    scope: Mapped[str] = mapped_column(String(24), nullable=False)
    owner_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    region: Mapped[str | None] = mapped_column(String(64), nullable=True)
    customer_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    deal_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    team_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    parent_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source: Mapped[str] = mapped_column(String(40), nullable=False)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)   # last event applied
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


CREATED, CHANGED, REMOVED = "created", "changed", "removed"


class AuditEntry(Base):
    """One change. `id` is derived from (event, record, field), so an event applied twice — or
    a replay of the whole log — writes the same rows. Values are JSON text; SQL NULL means
    "not known" (the record was first seen by this change, or the events do not carry the
    value: secrets, contact details), JSON `null` means empty."""
    __tablename__ = "audit_entries"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)     # not indexed: read by nothing
    event_type: Mapped[str] = mapped_column(String(80), nullable=False)
    source: Mapped[str] = mapped_column(String(40), nullable=False)
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    record_type: Mapped[str] = mapped_column(String(20), nullable=False)
    record_id: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(10), nullable=False)     # created|changed|removed
    field: Mapped[str | None] = mapped_column(String(64), nullable=True)
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    actor_id: Mapped[str] = mapped_column(String(64), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (
        Index("ix_audit_entries_record", "record_type", "record_id", "occurred_at", "id"),
        Index("ix_audit_entries_actor", "actor_id", "occurred_at", "id"),
        Index("ix_audit_entries_time", "occurred_at", "id"),
    )
