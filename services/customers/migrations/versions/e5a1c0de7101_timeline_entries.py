"""timeline entries: what marketing and the service desk did with a customer

Why: the customer's timeline becomes its whole history (issue 11 §10, issue 12 §7). customers
writes one `timeline_entry` per consumed event (keyed on the producer's event id, so a
redelivery never adds a second) and keeps the titles they link to in `timeline_ref`.

Revision ID: e5a1c0de7101
Revises: 1d3e7a0c0002
Create Date: 2026-12-04 16:50:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import services.chassis.models

revision: str = 'e5a1c0de7101'
down_revision: Union[str, Sequence[str], None] = '1d3e7a0c0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'timeline_entry',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('occurred_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('source_event_id', sa.String(length=64), nullable=False),
        sa.Column('ref_type', sa.String(length=20), nullable=True),
        sa.Column('ref_id', sa.String(length=36), nullable=True),
        sa.Column('user_id', sa.String(length=64), nullable=True),
        sa.Column('contact_id', sa.String(length=36), nullable=True),
        sa.Column('summary', sa.String(length=500), nullable=False),
        sa.Column('outcome', sa.String(length=500), nullable=True),
        sa.Column('created_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('source_event_id'),
    )
    op.create_index('ix_timeline_entry_timeline', 'timeline_entry',
                    ['customer_id', 'occurred_at', 'id'], unique=False)
    op.create_table(
        'timeline_ref',
        sa.Column('ref_type', sa.String(length=20), nullable=False),
        sa.Column('ref_id', sa.String(length=36), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('sequence', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('ref_type', 'ref_id'),
    )


def downgrade() -> None:
    op.drop_table('timeline_ref')
    op.drop_index('ix_timeline_entry_timeline', table_name='timeline_entry')
    op.drop_table('timeline_entry')
