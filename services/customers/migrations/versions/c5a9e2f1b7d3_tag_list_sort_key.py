"""customer_tag carries the customer's created_at, indexed (tag, created_at, customer)

Why: at 1M customers the list filtered by a common tag walked the whole created-at index
probing customer_tag per row (2.6× its 10k time, issue 15, bench/FINDINGS.md). With the
default sort key beside the link, a tag page is one index range that stops after the page.
Existing links are filled from their customers; created_at never changes afterwards.

Revision ID: c5a9e2f1b7d3
Revises: f1b2c3d4e5f6
Create Date: 2026-12-05 05:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import services.chassis.models

revision: str = 'c5a9e2f1b7d3'
down_revision: Union[str, Sequence[str], None] = 'f1b2c3d4e5f6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEX = 'ix_customer_tag_created_sort'


def upgrade() -> None:
    op.add_column('customer_tag', sa.Column(
        'customer_created_at', services.chassis.models.UtcDateTime(timezone=True), nullable=True))
    # The same stored value as customer.created_at on either dialect: copied, not re-encoded.
    op.execute("UPDATE customer_tag SET customer_created_at = (SELECT customer.created_at "
               "FROM customer WHERE customer.id = customer_tag.customer_id)")
    with op.batch_alter_table('customer_tag') as batch:
        batch.alter_column('customer_created_at', existing_type=services.chassis.models.UtcDateTime(
            timezone=True), nullable=False)
    op.create_index(INDEX, 'customer_tag', ['tag_id', 'customer_created_at', 'customer_id'])
    op.execute("ANALYZE customer_tag")        # the planner weighs the new index by the data


def downgrade() -> None:
    op.drop_index(INDEX, table_name='customer_tag')
    with op.batch_alter_table('customer_tag') as batch:
        batch.drop_column('customer_created_at')
