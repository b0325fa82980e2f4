"""deal_fact.expected_close_date: where the forecast places an open deal's weighted value.
Facts written before it have none until the `deals` projection is rebuilt.

Revision ID: c5d2e8a1f7b3
Revises: b4c1d2e3f5a6
Create Date: 2026-12-04 20:25:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = 'c5d2e8a1f7b3'
down_revision: Union[str, Sequence[str], None] = 'b4c1d2e3f5a6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('deal_fact') as batch:
        batch.add_column(sa.Column('expected_close_date', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deal_fact') as batch:
        batch.drop_column('expected_close_date')
