"""Suppliers — procurement's own data:

- `supplier`: a company goods and services are bought from: its details (legal name, tax id,
  address, country, email, phone, website), the categories it supplies, its payment terms and
  default currency, its status (active / on_hold / blocked, with the reason and who set it),
  its latest weighted evaluation score and whether it is flagged (evaluation/), and the
  supplier it may duplicate (kept when a duplicate is created on purpose, `force`);
  normalised keys for duplicate detection (services/chassis/normalize.py, as customers');
- `supplier_contact`: its contact persons (one may be the primary);
- `supplier_document`: what is known of its documents (certificates, contracts, insurance...):
  metadata only — kind, title, file name, type, size, where it is stored, validity;
- `supplier_change`: the history, one row per change (what, from what to what, who, when, why).
Purchase orders (later) name a supplier by id and refuse one that is not active.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.procurement.base import Base


class Supplier(Base):
    __tablename__ = "supplier"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    legal_name: Mapped[str | None] = mapped_column(String(200))
    tax_id: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(String(500))
    country: Mapped[str | None] = mapped_column(String(2))
    categories: Mapped[str] = mapped_column(Text, nullable=False, default="[]")   # JSON list
    payment_terms_days: Mapped[int] = mapped_column(Integer, nullable=False, default=30)
    payment_terms_note: Mapped[str | None] = mapped_column(String(200))
    currency: Mapped[str | None] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    status_reason: Mapped[str | None] = mapped_column(String(500))
    status_changed_by: Mapped[str | None] = mapped_column(String(64))
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))      # the latest weighted score
    flagged: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    possible_duplicate_of: Mapped[str | None] = mapped_column(String(36))
    name_norm: Mapped[str] = mapped_column(String(200), nullable=False)
    email_norm: Mapped[str | None] = mapped_column(String(254))
    phone_norm: Mapped[str | None] = mapped_column(String(20))
    tax_id_norm: Mapped[str | None] = mapped_column(String(50))
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (
        Index("ix_supplier_created", "created_at", "id"),
        Index("ix_supplier_name_norm", "name_norm"),
        Index("ix_supplier_email_norm", "email_norm"),
        Index("ix_supplier_tax_id_norm", "tax_id_norm"),
    )


class SupplierContact(Base):
    __tablename__ = "supplier_contact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    supplier_id: Mapped[str] = mapped_column(String(36), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)       # in the order given
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    is_primary: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_supplier_contact_supplier", "supplier_id", "position"),)


class SupplierDocument(Base):
    __tablename__ = "supplier_document"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    supplier_id: Mapped[str] = mapped_column(String(36), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    file_name: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    storage_ref: Mapped[str | None] = mapped_column(String(500))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    added_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_supplier_document_supplier", "supplier_id", "created_at", "id"),)


class SupplierChange(Base):
    __tablename__ = "supplier_change"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    supplier_id: Mapped[str] = mapped_column(String(36), nullable=False)
    action: Mapped[str] = mapped_column(String(24), nullable=False)
    changes: Mapped[str] = mapped_column(Text, nullable=False)      # JSON {field: [from, to]}
    reason: Mapped[str | None] = mapped_column(String(500))
    changed_by: Mapped[str] = mapped_column(String(64), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_supplier_change_supplier", "supplier_id", "changed_at", "id"),)
