"""customer_fact.size: the customer's employees, for the win drivers (company size).

Customers already in the fact get it from the next customer_updated, or at once by rebuilding
the `customers` projection.

Revision ID: e2a9b7c10c02
Revises: d17a5c0e0b01
Create Date: 2026-12-04 22:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = 'e2a9b7c10c02'
down_revision: Union[str, Sequence[str], None] = 'd17a5c0e0b01'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('customer_fact') as batch:
        batch.add_column(sa.Column('size', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('customer_fact') as batch:
        batch.drop_column('size')
