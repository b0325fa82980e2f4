"""targets tasks: targets, tasks and reminders

Revision ID: a1d0c0000004
Revises: a1d0c0000003
Create Date: 2026-11-23

The revision chain was laid out before the work so that the parts built in parallel stay one
line of history; an upgrade that is still empty changes nothing.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = 'a1d0c0000004'
down_revision: Union[str, Sequence[str], None] = 'a1d0c0000003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
