"""SQLite: whether customer's rowids follow its (created_at, id) order, kept by a trigger

Why: a newest-first page of a common word walked the newest customers that lack it before
reaching its hits (bench/FINDINGS.md, twelfth session: at 1M rows behind 18,511 such rows
2.0x its 10k time). While the rowids follow creation — which the service's own inserts keep —
the page is the word's first hits by rowid, which FTS5 reads downwards natively
(search_filters.newest_matches). This revision adds the one-row state, computes it for the
rows there (one scan) and the triggers that turn it off should a row ever be inserted out of
that order. PostgreSQL: nothing to do.

Revision ID: b9d2f0c4e6a8
Revises: a2f4c6e8b013
Create Date: 2026-12-06 12:30:00
"""
from typing import Sequence, Union

from alembic import op

from services.customers import search_index

revision: str = 'b9d2f0c4e6a8'
down_revision: Union[str, Sequence[str], None] = 'a2f4c6e8b013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    search_index.create_order_check(op.get_bind())


def downgrade() -> None:
    search_index.drop_order_check(op.get_bind())
