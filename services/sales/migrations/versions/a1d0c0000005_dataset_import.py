"""dataset import: deals remember their source id; an imported open deal may lack a customer

Revision ID: a1d0c0000005
Revises: a1d0c0000004
Create Date: 2026-11-23

- deal_import_ref: external_ref (the source's id, e.g. the Maven dataset's opportunity_id) →
  deal, so re-running an import creates nothing twice (handlers/deal_import.py);
- deal.customer_id nullable: the dataset has open deals without an account; they are imported
  without a customer instead of being dropped or attached to a guessed one (a deal without a
  customer cannot be won).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import services.chassis.models

revision: str = 'a1d0c0000005'
down_revision: Union[str, Sequence[str], None] = 'a1d0c0000004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'deal_import_ref',
        sa.Column('external_ref', sa.String(length=100), nullable=False),
        sa.Column('deal_id', sa.String(length=36), nullable=False),
        sa.Column('imported_by', sa.String(length=64), nullable=False),
        sa.Column('imported_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], ),
        sa.PrimaryKeyConstraint('external_ref'),
        sa.UniqueConstraint('deal_id'),
    )
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.alter_column('customer_id', existing_type=sa.String(length=36), nullable=True)


def downgrade() -> None:
    # Deals without a customer cannot go back under NOT NULL: refuse rather than lose them.
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM deal WHERE customer_id IS NULL")).scalar():
        raise RuntimeError("deals without a customer exist (imported open deals): set their "
                           "customer or delete them before downgrading below a1d0c0000005")
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.alter_column('customer_id', existing_type=sa.String(length=36), nullable=False)
    op.drop_table('deal_import_ref')
