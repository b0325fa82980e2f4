"""email channel

ticket_mail (issue 12 §3): every mail of a ticket, in (unique Message-ID: duplicates ignored,
answers threaded) and out (the outbox of agents' public replies, sent by a retrying timer).

Revision ID: 5c1e0a7d2b94
Revises: d91410afb3ed
Create Date: 2026-12-04 14:50:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import services.chassis.models  # custom column types render with their module path


# revision identifiers, used by Alembic.
revision: str = '5c1e0a7d2b94'
down_revision: Union[str, Sequence[str], None] = 'd91410afb3ed'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('ticket_mail',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('message_id', sa.String(length=250), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=True),
    sa.Column('entry_id', sa.String(length=36), nullable=True),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=250), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('in_reply_to', sa.String(length=250), nullable=True),
    sa.Column('references', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', services.chassis.models.UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', services.chassis.models.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id')
    )
    with op.batch_alter_table('ticket_mail', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_mail_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_ticket_mail_ticket', ['ticket_id', 'created_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('ticket_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_mail_ticket')
        batch_op.drop_index('ix_ticket_mail_due')
    op.drop_table('ticket_mail')
