"""stage_fact: pipeline stages as configured (probability re-weights deals)

Revision ID: 788a70125f82
Revises: f7a1d0c0de01
Create Date: 2026-12-04 03:51:16.586748

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '788a70125f82'
down_revision: Union[str, Sequence[str], None] = 'f7a1d0c0de01'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """The stages as sales' pipeline_stage_updated states them (projections/stages.py): the
    deals projection's, cleared and replayed with it by a rebuild."""
    op.create_table('stage_fact',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('probability', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=True),
    sa.Column('sequence', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('stage_fact')
