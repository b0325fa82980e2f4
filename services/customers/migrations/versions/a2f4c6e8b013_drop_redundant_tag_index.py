"""drop customer_tag's index on tag_id alone: ix_customer_tag_created_sort leads with it

Why: (tag_id, customer_created_at, customer_id) serves every lookup by tag_id (the tag filter,
the foreign key's checks when a tag is deleted) as well as the single-column index did, which
was then one more index written for every tag put on a customer.

Revision ID: a2f4c6e8b013
Revises: d8e4b6a2c910
Create Date: 2026-12-06 03:05:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = 'a2f4c6e8b013'
down_revision: Union[str, Sequence[str], None] = 'd8e4b6a2c910'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.drop_index('ix_customer_tag_tag_id', table_name='customer_tag')


def downgrade() -> None:
    op.create_index('ix_customer_tag_tag_id', 'customer_tag', ['tag_id'])
