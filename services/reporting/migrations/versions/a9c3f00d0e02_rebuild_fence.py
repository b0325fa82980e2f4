"""rebuild_fence: the projections a rebuild is switching in from its shadow (rebuild.py).

Revision ID: a9c3f00d0e02
Revises: 4d1edcf3b28c
Create Date: 2026-12-04 04:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import services.chassis.models  # custom column types render with their module path


revision: str = 'a9c3f00d0e02'
down_revision: Union[str, Sequence[str], None] = '4d1edcf3b28c'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'rebuild_fence',
        sa.Column('projection', sa.String(length=40), nullable=False),
        sa.Column('since', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('projection'),
    )


def downgrade() -> None:
    op.drop_table('rebuild_fence')
