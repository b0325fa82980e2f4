"""quotes contracts orders: quotes, contracts and orders

Revision ID: a1d0c0000002
Revises: 3b409b93c12a
Create Date: 2026-11-23

The revision chain was laid out before the work so that the parts built in parallel stay one
line of history. Tables of services/sales/models_documents.py: quote, quote_line, contract,
sales_order, order_line (numbers come from document_counter, created by a1d0c0000003 and
written only at runtime).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import services.chassis.models
import services.sales.models

revision: str = 'a1d0c0000002'
down_revision: Union[str, Sequence[str], None] = '3b409b93c12a'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('quote',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('deal_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=True),
    sa.Column('owner_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total_cents', services.chassis.models.Cents(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('sent_at', services.chassis.models.UtcDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', services.chassis.models.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.create_index('ix_quote_created_sort', ['created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quote_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quote_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index('ix_quote_expiry_scan', ['status', 'valid_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_quote_owner_id'), ['owner_id'], unique=False)

    op.create_table('quote_line',
    sa.Column('quote_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('product_name', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_cents', services.chassis.models.Cents(), nullable=False),
    sa.Column('discount_bp', services.sales.models.Percent(), nullable=False),
    sa.Column('total_cents', services.chassis.models.Cents(), nullable=False),
    sa.ForeignKeyConstraint(['quote_id'], ['quote.id'], ),
    sa.PrimaryKeyConstraint('quote_id', 'position')
    )

    op.create_table('contract',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('deal_id', sa.String(length=36), nullable=False),
    sa.Column('quote_id', sa.String(length=36), nullable=True),
    sa.Column('customer_id', sa.String(length=36), nullable=True),
    sa.Column('owner_id', sa.String(length=36), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('value_cents', services.chassis.models.Cents(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('renewal_notice_days', sa.Integer(), nullable=False),
    sa.Column('renewal_due_at', services.chassis.models.UtcDateTime(timezone=True), nullable=True),
    sa.Column('signed_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], ),
    sa.ForeignKeyConstraint(['quote_id'], ['quote.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index('ix_contract_created_sort', ['created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_quote_id'), ['quote_id'], unique=False)

    op.create_table('sales_order',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('deal_id', sa.String(length=36), nullable=False),
    sa.Column('contract_id', sa.String(length=36), nullable=True),
    sa.Column('quote_id', sa.String(length=36), nullable=True),
    sa.Column('customer_id', sa.String(length=36), nullable=True),
    sa.Column('owner_id', sa.String(length=36), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total_cents', services.chassis.models.Cents(), nullable=False),
    sa.Column('placed_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], ),
    sa.ForeignKeyConstraint(['quote_id'], ['quote.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.create_index('ix_sales_order_created_sort', ['created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_contract_id'), ['contract_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_customer_id'), ['customer_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_quote_id'), ['quote_id'], unique=False)

    op.create_table('order_line',
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('product_name', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_cents', services.chassis.models.Cents(), nullable=False),
    sa.Column('discount_bp', services.sales.models.Percent(), nullable=False),
    sa.Column('total_cents', services.chassis.models.Cents(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], ),
    sa.PrimaryKeyConstraint('order_id', 'position')
    )


def downgrade() -> None:
    op.drop_table('order_line')
    op.drop_table('sales_order')
    op.drop_table('contract')
    op.drop_table('quote_line')
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quote_owner_id'))
        batch_op.drop_index('ix_quote_expiry_scan')
        batch_op.drop_index(batch_op.f('ix_quote_deal_id'))
        batch_op.drop_index(batch_op.f('ix_quote_customer_id'))
        batch_op.drop_index('ix_quote_created_sort')
    op.drop_table('quote')
