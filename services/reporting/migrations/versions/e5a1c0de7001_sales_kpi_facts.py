"""sales KPI facts: deal lines (cuts by product), stage entries (conversion, time in stage),
invoices and payments (cash, receivables), targets (attainment); deal_fact.lines_sequence.

Revision ID: e5a1c0de7001
Revises: bcfa352a244a
Create Date: 2026-11-23 01:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import services.chassis.models  # custom column types render with their module path


revision: str = 'e5a1c0de7001'
down_revision: Union[str, Sequence[str], None] = 'bcfa352a244a'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('deal_fact', sa.Column('lines_sequence', sa.BigInteger(), nullable=False,
                                         server_default='0'))
    op.create_table('deal_line_fact',
    sa.Column('deal_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('product_name', sa.String(length=200), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('deal_id', 'position')
    )
    op.create_index(op.f('ix_deal_line_fact_product_id'), 'deal_line_fact', ['product_id'],
                    unique=False)
    op.create_table('deal_stage_entry',
    sa.Column('deal_id', sa.String(length=36), nullable=False),
    sa.Column('sequence', sa.BigInteger(), nullable=False),
    sa.Column('from_stage', sa.String(length=40), nullable=True),
    sa.Column('to_stage', sa.String(length=40), nullable=False),
    sa.Column('entered_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('deal_id', 'sequence')
    )
    op.create_table('invoice_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('deal_id', sa.String(length=36), nullable=True),
    sa.Column('customer_id', sa.String(length=36), nullable=True),
    sa.Column('owner_id', sa.String(length=36), nullable=True),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('overdue_detected_at', services.chassis.models.UtcDateTime(timezone=True),
              nullable=True),
    sa.Column('sequence', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_invoice_fact_issued_on'), 'invoice_fact', ['issued_on'], unique=False)
    op.create_index(op.f('ix_invoice_fact_owner_id'), 'invoice_fact', ['owner_id'], unique=False)
    op.create_table('payment_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('invoice_id', sa.String(length=36), nullable=False),
    sa.Column('deal_id', sa.String(length=36), nullable=True),
    sa.Column('owner_id', sa.String(length=36), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_payment_fact_invoice_id'), 'payment_fact', ['invoice_id'],
                    unique=False)
    op.create_index(op.f('ix_payment_fact_received_on'), 'payment_fact', ['received_on'],
                    unique=False)
    op.create_index('ix_payment_fact_owner', 'payment_fact', ['owner_id', 'received_on'],
                    unique=False)
    op.create_table('target_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('period_kind', sa.String(length=10), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('scope', sa.String(length=20), nullable=True),
    sa.Column('scope_value', sa.String(length=100), nullable=True),
    sa.Column('measure', sa.String(length=20), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('parent_id', sa.String(length=36), nullable=True),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.Column('sequence', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_target_fact_period', 'target_fact', ['period_kind', 'period_start'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_target_fact_period', table_name='target_fact')
    op.drop_table('target_fact')
    op.drop_index('ix_payment_fact_owner', table_name='payment_fact')
    op.drop_index(op.f('ix_payment_fact_received_on'), table_name='payment_fact')
    op.drop_index(op.f('ix_payment_fact_invoice_id'), table_name='payment_fact')
    op.drop_table('payment_fact')
    op.drop_index(op.f('ix_invoice_fact_owner_id'), table_name='invoice_fact')
    op.drop_index(op.f('ix_invoice_fact_issued_on'), table_name='invoice_fact')
    op.drop_table('invoice_fact')
    op.drop_table('deal_stage_entry')
    op.drop_index(op.f('ix_deal_line_fact_product_id'), table_name='deal_line_fact')
    op.drop_table('deal_line_fact')
    with op.batch_alter_table('deal_fact') as batch:     # SQLite drops a column by copy
        batch.drop_column('lines_sequence')
