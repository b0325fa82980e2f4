"""contact email

desk_contact.email (trimmed, lower-cased, indexed): customers' contact_added now carries a
contact person's email, so an inbound mail from it becomes a ticket of that contact's
customer, with the contact set. Contacts added before stay without one.

Revision ID: 3f6c2a9d81e0
Revises: efbac384eebb
Create Date: 2026-12-04 16:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '3f6c2a9d81e0'
down_revision: Union[str, Sequence[str], None] = 'efbac384eebb'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('desk_contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.create_index(batch_op.f('ix_desk_contact_email'), ['email'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('desk_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_desk_contact_email'))
        batch_op.drop_column('email')
