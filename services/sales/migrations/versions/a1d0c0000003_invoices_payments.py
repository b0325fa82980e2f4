"""invoices payments: invoices and payments received

Revision ID: a1d0c0000003
Revises: a1d0c0000002
Create Date: 2026-11-23

Tables of services/sales/models_cash.py: invoice, invoice_line, payment, and document_counter
(gapless per-year document numbers, handlers/numbering.py).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import services.chassis.models
import services.sales.models

revision: str = 'a1d0c0000003'
down_revision: Union[str, Sequence[str], None] = 'a1d0c0000002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('document_counter',
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'year')
    )
    op.create_table('invoice',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('order_id', sa.String(length=36), nullable=True),
    sa.Column('deal_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('owner_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total_cents', services.chassis.models.Cents(), nullable=False),
    sa.Column('paid_cents', services.chassis.models.Cents(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('overdue_at', services.chassis.models.UtcDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', services.chassis.models.UtcDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_created_sort', ['created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_invoice_overdue_scan', ['status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_owner_id'), ['owner_id'], unique=False)

    op.create_table('invoice_line',
    sa.Column('invoice_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('product_name', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_cents', services.chassis.models.Cents(), nullable=False),
    sa.Column('discount_bp', services.sales.models.Percent(), nullable=False),
    sa.Column('total_cents', services.chassis.models.Cents(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], ),
    sa.PrimaryKeyConstraint('invoice_id', 'position')
    )
    op.create_table('payment',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('invoice_id', sa.String(length=36), nullable=False),
    sa.Column('amount_cents', services.chassis.models.Cents(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=True),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('outstanding_after_cents', services.chassis.models.Cents(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('invoice_id', 'reference', name='uq_payment_reference')
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index('ix_payment_invoice', ['invoice_id', 'recorded_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_invoice')

    op.drop_table('payment')
    op.drop_table('invoice_line')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_owner_id'))
        batch_op.drop_index('ix_invoice_overdue_scan')
        batch_op.drop_index(batch_op.f('ix_invoice_order_id'))
        batch_op.drop_index(batch_op.f('ix_invoice_deal_id'))
        batch_op.drop_index(batch_op.f('ix_invoice_customer_id'))
        batch_op.drop_index('ix_invoice_created_sort')

    op.drop_table('invoice')
    op.drop_table('document_counter')
