"""segment backfill

Revision ID: c41d7e2a9b10
Revises: 3e5f7a9b1c20
Create Date: 2026-12-04 16:55:00.000000

segment_backfill: a new or redefined segment's evaluation over every contact, run after the
edit in chunks (services/marketing/segments/backfill.py). Segments defined before it were
evaluated in their edit's transaction: each gets a finished row (ready).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import services.chassis.models  # custom column types render with their module path


# revision identifiers, used by Alembic.
revision: str = 'c41d7e2a9b10'
down_revision: Union[str, Sequence[str], None] = '3e5f7a9b1c20'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('segment_backfill',
    sa.Column('segment_id', sa.String(length=36), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('after_id', sa.String(length=36), nullable=False),
    sa.Column('evaluated', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('started_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', services.chassis.models.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('segment_id')
    )
    with op.batch_alter_table('segment_backfill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segment_backfill_finished_at'), ['finished_at'],
                              unique=False)
    op.execute("INSERT INTO segment_backfill (segment_id, generation, reason, after_id, "
               "evaluated, total, started_at, finished_at) "
               "SELECT id, 1, 'segment_created', '', 0, 0, updated_at, updated_at FROM segment")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('segment_backfill', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segment_backfill_finished_at'))
    op.drop_table('segment_backfill')
