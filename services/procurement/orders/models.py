"""Purchase contracts, orders and receipts — procurement's own data:

- `document_counter`: the last number given per kind ("PC", "PO", "GR") and year — gapless
  numbers (services/chassis/numbering.py);
- `purchase_contract`: the agreement made from a request's chosen quotation (one per request):
  numbered "PC-2026-00001", supplier, currency, exact total, payment terms, promised delivery
  date, `active` → `completed` (everything ordered and received) | `cancelled`;
- `purchase_contract_line`: an agreed line (from the request line and the offer): item, unit,
  category, quantity, unit price, total, and how much of it is ordered so far;
- `purchase_order`: an order placed under a contract, "PO-2026-00001": its lines, exact total,
  the date it is expected on, `draft` → `sent` → `partially_received` → `received` → `closed`,
  or `cancelled` (orders/statuses.py); the value accepted so far;
- `purchase_order_line`: item, category, quantity, unit price, total; received, rejected and
  accepted quantities so far;
- `goods_receipt`: one delivery against an order, "GR-2026-00001": the date it came, whether it
  came on time (on or before the order's expected date), who recorded it;
- `goods_receipt_line`: per order line, quantity received and rejected, the accepted value.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import Cents, UtcDateTime
from services.procurement.base import Base


class DocumentCounter(Base):
    __tablename__ = "document_counter"
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, nullable=False)


class PurchaseContract(Base):
    __tablename__ = "purchase_contract"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    request_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    quotation_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    supplier_id: Mapped[str] = mapped_column(String(36), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    total: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    payment_terms_days: Mapped[int] = mapped_column(Integer, nullable=False)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    terms: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_purchase_contract_supplier", "supplier_id", "created_at"),
                      Index("ix_purchase_contract_created", "created_at", "id"))


class PurchaseContractLine(Base):
    __tablename__ = "purchase_contract_line"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(36), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    request_line_id: Mapped[str] = mapped_column(String(36), nullable=False)
    item: Mapped[str] = mapped_column(String(200), nullable=False)
    unit: Mapped[str] = mapped_column(String(20), nullable=False)
    category: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    line_total: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    ordered_quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)

    __table_args__ = (UniqueConstraint("contract_id", "position",
                                       name="uq_purchase_contract_line_position"),)


class PurchaseOrder(Base):
    __tablename__ = "purchase_order"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    contract_id: Mapped[str] = mapped_column(String(36), nullable=False)
    request_id: Mapped[str] = mapped_column(String(36), nullable=False)
    supplier_id: Mapped[str] = mapped_column(String(36), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    total: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    accepted_value: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    expected_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    status_reason: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)   # closed or cancelled
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_purchase_order_created", "created_at", "id"),
                      Index("ix_purchase_order_supplier", "supplier_id", "created_at"),
                      Index("ix_purchase_order_status", "status", "created_at"),
                      Index("ix_purchase_order_contract", "contract_id"))


class PurchaseOrderLine(Base):
    __tablename__ = "purchase_order_line"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(36), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    contract_line_id: Mapped[str] = mapped_column(String(36), nullable=False)
    item: Mapped[str] = mapped_column(String(200), nullable=False)
    unit: Mapped[str] = mapped_column(String(20), nullable=False)
    category: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    line_total: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    received_quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    rejected_quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)

    __table_args__ = (UniqueConstraint("order_id", "position",
                                       name="uq_purchase_order_line_position"),)


class GoodsReceipt(Base):
    __tablename__ = "goods_receipt"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    order_id: Mapped[str] = mapped_column(String(36), nullable=False)
    supplier_id: Mapped[str] = mapped_column(String(36), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    on_time: Mapped[bool] = mapped_column(Boolean, nullable=False)
    accepted_value: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_goods_receipt_order", "order_id", "received_on"),
                      Index("ix_goods_receipt_supplier", "supplier_id", "received_on"))


class GoodsReceiptLine(Base):
    __tablename__ = "goods_receipt_line"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    receipt_id: Mapped[str] = mapped_column(String(36), nullable=False)
    order_line_id: Mapped[str] = mapped_column(String(36), nullable=False)
    quantity_received: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    quantity_rejected: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    accepted_value: Mapped[Decimal] = mapped_column(Cents, nullable=False)

    __table_args__ = (UniqueConstraint("receipt_id", "order_line_id",
                                       name="uq_goods_receipt_line_order_line"),)
