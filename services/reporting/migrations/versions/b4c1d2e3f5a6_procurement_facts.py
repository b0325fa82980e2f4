"""procurement facts: suppliers and their evaluations, approvals, orders, receipts and lines.

Revision ID: b4c1d2e3f5a6
Revises: 9f3a6b2c8d41
Create Date: 2026-12-04 19:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from services.chassis.models import Cents, UtcDateTime


revision: str = 'b4c1d2e3f5a6'
down_revision: Union[str, Sequence[str], None] = '9f3a6b2c8d41'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('proc_supplier_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=True),
    sa.Column('evaluation_id', sa.String(length=36), nullable=True),
    sa.Column('score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('record_sequence', sa.BigInteger(), nullable=False),
    sa.Column('status_sequence', sa.BigInteger(), nullable=False),
    sa.Column('score_sequence', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proc_supplier_fact'))
    )
    op.create_table('proc_evaluation_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('supplier_id', sa.String(length=36), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('order_id', sa.String(length=36), nullable=True),
    sa.Column('weighted_score', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('threshold', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('evaluated_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proc_evaluation_fact'))
    )
    op.create_index('ix_proc_evaluation_fact_supplier', 'proc_evaluation_fact',
                    ['supplier_id', 'evaluated_at'])
    op.create_table('proc_approval_fact',
    sa.Column('request_id', sa.String(length=36), nullable=False),
    sa.Column('submitted_at', UtcDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.Column('decided_at', UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('request_id', name=op.f('pk_proc_approval_fact'))
    )
    op.create_index('ix_proc_approval_fact_decided', 'proc_approval_fact', ['decided_at'])
    op.create_table('proc_order_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('supplier_id', sa.String(length=36), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total', Cents(), nullable=False),
    sa.Column('accepted_value', Cents(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_sequence', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proc_order_fact'))
    )
    op.create_index('ix_proc_order_fact_status', 'proc_order_fact', ['status', 'supplier_id'])
    op.create_table('proc_receipt_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('supplier_id', sa.String(length=36), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('on_time', sa.Boolean(), nullable=False),
    sa.Column('accepted_value', Cents(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proc_receipt_fact'))
    )
    op.create_index('ix_proc_receipt_fact_received', 'proc_receipt_fact',
                    ['received_on', 'supplier_id'])
    op.create_index('ix_proc_receipt_fact_order', 'proc_receipt_fact', ['order_id'])
    op.create_table('proc_receipt_line_fact',
    sa.Column('receipt_id', sa.String(length=36), nullable=False),
    sa.Column('order_line_id', sa.String(length=36), nullable=False),
    sa.Column('supplier_id', sa.String(length=36), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('accepted_value', Cents(), nullable=False),
    sa.PrimaryKeyConstraint('receipt_id', 'order_line_id',
                            name=op.f('pk_proc_receipt_line_fact'))
    )
    op.create_index('ix_proc_receipt_line_fact_received', 'proc_receipt_line_fact',
                    ['received_on'])


def downgrade() -> None:
    op.drop_index('ix_proc_receipt_line_fact_received', table_name='proc_receipt_line_fact')
    op.drop_table('proc_receipt_line_fact')
    op.drop_index('ix_proc_receipt_fact_order', table_name='proc_receipt_fact')
    op.drop_index('ix_proc_receipt_fact_received', table_name='proc_receipt_fact')
    op.drop_table('proc_receipt_fact')
    op.drop_index('ix_proc_order_fact_status', table_name='proc_order_fact')
    op.drop_table('proc_order_fact')
    op.drop_index('ix_proc_approval_fact_decided', table_name='proc_approval_fact')
    op.drop_table('proc_approval_fact')
    op.drop_index('ix_proc_evaluation_fact_supplier', table_name='proc_evaluation_fact')
    op.drop_table('proc_evaluation_fact')
    op.drop_table('proc_supplier_fact')
