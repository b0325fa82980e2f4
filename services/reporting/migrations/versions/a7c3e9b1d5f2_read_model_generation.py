"""read_model_generation: bumped by a rebuild's switch, so figures cached from the read models
(computed.py) know the tables were replaced.

Revision ID: a7c3e9b1d5f2
Revises: e2a9b7c10c02
Create Date: 2026-12-05 01:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from services.chassis.models import UtcDateTime


revision: str = 'a7c3e9b1d5f2'
down_revision: Union[str, Sequence[str], None] = 'e2a9b7c10c02'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'read_model_generation',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('generation', sa.BigInteger(), nullable=False),
        sa.Column('switched_at', UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name'))


def downgrade() -> None:
    op.drop_table('read_model_generation')
