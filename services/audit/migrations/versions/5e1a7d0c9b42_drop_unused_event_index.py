"""drop audit_entries' index on event_id: no query reads by it

Why: entries are read by record, by actor and by time (the three composite indexes); an
event's entries are found by their ids (derived from the event id, trail.entry_id), never by
this column. The index was written on every entry of every event — one more index insert per
entry (an import writes one entry per customer) for nothing.

Revision ID: 5e1a7d0c9b42
Revises: 08ce7195db7b
Create Date: 2026-12-06 03:05:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = '5e1a7d0c9b42'
down_revision: Union[str, Sequence[str], None] = '08ce7195db7b'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.drop_index('ix_audit_entries_event_id', table_name='audit_entries')


def downgrade() -> None:
    op.create_index('ix_audit_entries_event_id', 'audit_entries', ['event_id'])
