"""audit_records: team_id and parent_id, for the scopes of the service desk's and procurement's
records

Why: the trail now covers every producer (tickets, campaigns, segments, templates, suppliers,
purchase requests, contracts and orders). A ticket's history is read by its team's agents
(`team_id`), a purchase request's by its requester's team manager (`team_id`), a purchase
contract's or order's by whoever reads its request (`parent_id`). Both nullable: the records
audited before have neither. The producers newly consumed are replayed from their logs by the
catch-up (their consumer position starts at 0), so their history is complete after the upgrade.

Revision ID: 7b3e9c2d4f10
Revises: 5e1a7d0c9b42
Create Date: 2026-12-07 01:30:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '7b3e9c2d4f10'
down_revision: Union[str, Sequence[str], None] = '5e1a7d0c9b42'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('parent_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_column('parent_id')
        batch_op.drop_column('team_id')
