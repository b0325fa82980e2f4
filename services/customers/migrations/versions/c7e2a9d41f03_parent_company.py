"""parent company: customer.parent_id (a subsidiary's group), indexed

Why: the Maven dataset's accounts name their parent (subsidiary_of); a customer may now point
at another customer as its parent (parent_companies.py keeps it existing and acyclic).

Revision ID: c7e2a9d41f03
Revises: b3c1d2e4f5a6
Create Date: 2026-11-23 02:25:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = 'c7e2a9d41f03'
down_revision: Union[str, Sequence[str], None] = 'b3c1d2e4f5a6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN (no batch copy: the customer table's text index and its
    # triggers must stay as they are on SQLite).
    op.add_column('customer', sa.Column('parent_id', sa.String(length=36), nullable=True))
    op.create_index('ix_customer_parent_id', 'customer', ['parent_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_customer_parent_id', table_name='customer')
    op.drop_column('customer', 'parent_id')     # SQLite ≥ 3.35 drops a column in place
