"""digest_sent: which manager has had which week's digest mailed (once per manager and week).

Revision ID: d1a3e57c0b17
Revises: c5d2e8a1f7b3
Create Date: 2026-12-04 22:55:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from services.chassis.models import UtcDateTime


revision: str = 'd1a3e57c0b17'
down_revision: Union[str, Sequence[str], None] = 'c5d2e8a1f7b3'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'digest_sent',
        sa.Column('manager_id', sa.String(length=36), nullable=False),
        sa.Column('week', sa.Date(), nullable=False),
        sa.Column('sent_at', UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('manager_id', 'week'))


def downgrade() -> None:
    op.drop_table('digest_sent')
