"""unmatched sender tickets

A mail from an address no customer or contact person has becomes a ticket without a customer
(issue 12 §3: "the ticket says it is unmatched"): ticket.customer_id may be null, and
ticket.sender_email keeps the address the mail came from, until an agent attaches the ticket
to a customer. Tickets made before all have a customer.

Revision ID: b2d7e4a9c613
Revises: 7e3a9c41b5d2
Create Date: 2026-12-07 01:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'b2d7e4a9c613'
down_revision: Union[str, Sequence[str], None] = '7e3a9c41b5d2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender_email', sa.String(length=254), nullable=True))
        batch_op.alter_column('customer_id', existing_type=sa.String(length=36), nullable=True)


def downgrade() -> None:
    # a ticket still without a customer needs one before: it keeps its sender (cut) as a
    # customer id no customer has — the older code shows it as an unknown customer
    op.execute("UPDATE ticket SET customer_id = COALESCE(substr(sender_email, 1, 36), "
               "'unmatched') WHERE customer_id IS NULL")
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.alter_column('customer_id', existing_type=sa.String(length=36), nullable=False)
        batch_op.drop_column('sender_email')
