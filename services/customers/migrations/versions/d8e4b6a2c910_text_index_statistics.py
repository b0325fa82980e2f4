"""forget the planner statistics of the FTS5 text index's shadow tables (SQLite)

Why: revision b3c1d2e4f5a6 ran ANALYZE on a new, empty database, which recorded
customer_fts_data as 2 rows. The planner then ran FTS5's own statement that deletes a merged
segment's pages (`DELETE FROM customer_fts_data WHERE id>=? AND id<=?`, after every merge step,
i.e. every few rows written) as a full SCAN of the text index instead of a rowid range: each
imported row read the whole index, so the import's INSERT cost grew with the table (0.16 ->
~2.6 ms CPU per row at 75,000 customers; the 1M import's 486 -> 155 rows/s;
bench/grown_insert.py, bench/FINDINGS.md, sixth session). Without statistics for these tables
the planner assumes a large table and seeks the range. Nothing else changes: no schema, no
data, the same search results. PostgreSQL: nothing to do.

Revision ID: d8e4b6a2c910
Revises: c5a9e2f1b7d3
Create Date: 2026-12-05 18:20:00
"""
from typing import Sequence, Union

from alembic import op

from services.customers import search_index

revision: str = 'd8e4b6a2c910'
down_revision: Union[str, Sequence[str], None] = 'c5a9e2f1b7d3'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    search_index.forget_statistics(op.get_bind())


def downgrade() -> None:
    pass        # statistics are not schema: nothing to restore
