"""streamed imports: an import job is uploaded part by part; rows found by (job, status, row)

Why: a CSV of a million customers is streamed through the gateway in parts instead of one body
(issue 15 §5). The job keeps the upload's state between parts (header, last part taken, rows
and lines so far, the incomplete last record, bytes received) and why a failed upload failed;
the runner's next batch and the per-row report seek (job_id, status, row).

Revision ID: f1b2c3d4e5f6
Revises: e5a1c0de7101
Create Date: 2026-12-04 23:10:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'f1b2c3d4e5f6'
down_revision: Union[str, Sequence[str], None] = 'e5a1c0de7101'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COUNTERS = ('parts', 'records', 'lines')


def upgrade() -> None:
    with op.batch_alter_table('import_job') as batch:
        batch.add_column(sa.Column('header', sa.Text(), nullable=True))
        for name in COUNTERS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('carry', sa.Text(), nullable=True))
        batch.add_column(sa.Column('received_bytes', sa.BigInteger(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('error', sa.Text(), nullable=True))
    op.create_index('ix_import_row_job_status_row', 'import_row', ['job_id', 'status', 'row'])


def downgrade() -> None:
    op.drop_index('ix_import_row_job_status_row', table_name='import_row')
    with op.batch_alter_table('import_job') as batch:
        for name in ('error', 'received_bytes', 'carry', *COUNTERS, 'header'):
            batch.drop_column(name)
