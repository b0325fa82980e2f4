"""list and search indexes: (filter, sort, id) composites, a tombstone-only merged_into
index, a trigram text index (FTS5 / pg_trgm), and planner statistics

Why: every list starts with `merged_into IS NULL`; without statistics SQLite took the full
merged_into index as selective and read + sorted every live customer per page (1.5 s at 1M
rows, bench/FINDINGS.md §1). The single-column filter indexes are replaced by composites whose
prefix serves the same lookups.

Revision ID: b3c1d2e4f5a6
Revises: 4a4608057710
Create Date: 2026-11-22 22:40:00
"""
from typing import Sequence, Union

from alembic import op
from sqlalchemy import text

from services.customers import search_index

revision: str = 'b3c1d2e4f5a6'
down_revision: Union[str, Sequence[str], None] = '4a4608057710'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# (filter, sort column, id), as of this revision (models.LIST_FILTERS may change later)
COMPOSITES = {f"ix_customer_{short}_{sort}": [column, sort_column, "id"]
              for short, column in (("region", "region"), ("owner", "owner_id"),
                                    ("stage", "lifecycle_stage"), ("class", "value_class"))
              for sort, sort_column in (("created", "created_at"), ("name", "name_norm"))}
REPLACED = {"ix_customer_region": ["region"], "ix_customer_owner_id": ["owner_id"],
            "ix_customer_lifecycle": ["lifecycle_stage"], "ix_customer_value_class": ["value_class"]}
TOMBSTONES = text("merged_into IS NOT NULL")


def upgrade() -> None:
    for name, columns in COMPOSITES.items():
        op.create_index(name, "customer", columns)
    for name in REPLACED:
        op.drop_index(name, table_name="customer")
    op.drop_index("ix_customer_merged_into", table_name="customer")
    op.create_index("ix_customer_merged_into", "customer", ["merged_into"],
                    sqlite_where=TOMBSTONES, postgresql_where=TOMBSTONES)
    search_index.create(op.get_bind(), fill=True)
    # Statistics, so the planner weighs the indexes by what the data holds. Nothing in the
    # service refreshes them later: PostgreSQL's autovacuum does where it runs (the server's
    # default); on SQLite they stay as taken here (d8e4b6a2c910 drops the ones that misled the
    # planner once the table grew).
    op.execute("ANALYZE")


def downgrade() -> None:
    search_index.drop(op.get_bind())
    op.drop_index("ix_customer_merged_into", table_name="customer")
    op.create_index("ix_customer_merged_into", "customer", ["merged_into"])
    for name, columns in REPLACED.items():
        op.create_index(name, "customer", columns)
    for name in COMPOSITES:
        op.drop_index(name, table_name="customer")
