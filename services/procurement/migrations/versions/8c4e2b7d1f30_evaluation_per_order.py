"""evaluation per order

supplier_evaluation.as_of: the day an evaluation speaks for — a period's end (backfilled from
period_end for the evaluations there are, all per period), or an order's last goods receipt for
an evaluation of one purchase order (issue 14: "scored per evaluation period or per order").
The supplier's current score is its latest `as_of`, so the "latest" index moves to it.

Revision ID: 8c4e2b7d1f30
Revises: 3f4bed2d1956
Create Date: 2026-12-07 01:15:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '8c4e2b7d1f30'
down_revision: Union[str, Sequence[str], None] = '3f4bed2d1956'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('supplier_evaluation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('as_of', sa.Date(), nullable=True))
    op.execute("UPDATE supplier_evaluation SET as_of = period_end")
    with op.batch_alter_table('supplier_evaluation', schema=None) as batch_op:
        batch_op.alter_column('as_of', existing_type=sa.Date(), nullable=False)
        batch_op.drop_index('ix_supplier_evaluation_latest')
        batch_op.create_index('ix_supplier_evaluation_latest', ['supplier_id', 'as_of'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('supplier_evaluation', schema=None) as batch_op:
        batch_op.drop_index('ix_supplier_evaluation_latest')
        batch_op.create_index('ix_supplier_evaluation_latest', ['supplier_id', 'period_end'],
                              unique=False)
    with op.batch_alter_table('supplier_evaluation', schema=None) as batch_op:
        batch_op.drop_column('as_of')
