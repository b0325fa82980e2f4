"""surveys and follow-ups

ticket_survey (issue 12 §7): one satisfaction survey per resolution of a ticket, its answer and
escalation; ticket_followup: follow-up visits (回访) after a resolution; ticket_mail.survey_id:
the survey a mail invites to (sent by the email channel's timer like agents' replies).

Revision ID: 7e3a9c41b5d2
Revises: 3f6c2a9d81e0
Create Date: 2026-12-04 16:50:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import services.chassis.models  # custom column types render with their module path


# revision identifiers, used by Alembic.
revision: str = '7e3a9c41b5d2'
down_revision: Union[str, Sequence[str], None] = '3f6c2a9d81e0'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

UtcDateTime = services.chassis.models.UtcDateTime


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('ticket_survey',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('resolved_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('agent_id', sa.String(length=36), nullable=True),
    sa.Column('team_id', sa.String(length=36), nullable=True),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=True),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('stars', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('answered_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('escalated_to', sa.String(length=36), nullable=True),
    sa.Column('escalated_at', UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket_id', 'resolved_at', name='uq_ticket_survey_resolution')
    )
    with op.batch_alter_table('ticket_survey', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_survey_created', ['created_at', 'id'], unique=False)

    op.create_table('ticket_followup',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('origin', sa.String(length=120), nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('survey_id', sa.String(length=36), nullable=True),
    sa.Column('reason', sa.String(length=10), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=True),
    sa.Column('assignee_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('due_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('origin')
    )
    with op.batch_alter_table('ticket_followup', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_followup_assignee', ['assignee_id', 'status', 'due_at'],
                              unique=False)
        batch_op.create_index('ix_ticket_followup_created', ['created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_followup_ticket_id'), ['ticket_id'],
                              unique=False)

    with op.batch_alter_table('ticket_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_id', sa.String(length=36), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('ticket_mail', schema=None) as batch_op:
        batch_op.drop_column('survey_id')
    with op.batch_alter_table('ticket_followup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_followup_ticket_id'))
        batch_op.drop_index('ix_ticket_followup_created')
        batch_op.drop_index('ix_ticket_followup_assignee')
    op.drop_table('ticket_followup')
    with op.batch_alter_table('ticket_survey', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_survey_created')
    op.drop_table('ticket_survey')
