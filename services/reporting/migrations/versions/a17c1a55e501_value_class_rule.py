"""analytics: the value-class rule (suggested classes applied automatically).

Revision ID: a17c1a55e501
Revises: a7c3e9b1d5f2
Create Date: 2026-12-05 01:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from services.chassis.models import UtcDateTime


revision: str = 'a17c1a55e501'
down_revision: Union[str, Sequence[str], None] = 'a7c3e9b1d5f2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('analytics_value_class_rule',
    sa.Column('scope', sa.String(length=48), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('applies', sa.String(length=20), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('set_by', sa.String(length=64), nullable=False),
    sa.Column('set_by_role', sa.String(length=20), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=True),
    sa.Column('changed_at', UtcDateTime(), nullable=False),
    sa.Column('last_run_at', UtcDateTime(), nullable=True),
    sa.Column('last_applied', sa.Integer(), nullable=False),
    sa.Column('last_failed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_analytics_value_class_rule'))
    )


def downgrade() -> None:
    op.drop_table('analytics_value_class_rule')
