"""contact send lock: the row each claim of a contact's campaign email locks while it checks
the frequency cap (services/marketing/sending/cap.py).

Revision ID: 3e5f7a9b1c20
Revises: 92fc268bf42b
Create Date: 2026-12-04 17:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '3e5f7a9b1c20'
down_revision: Union[str, Sequence[str], None] = '92fc268bf42b'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('contact_send_lock',
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('contact_id', name=op.f('pk_contact_send_lock'))
    )


def downgrade() -> None:
    op.drop_table('contact_send_lock')
