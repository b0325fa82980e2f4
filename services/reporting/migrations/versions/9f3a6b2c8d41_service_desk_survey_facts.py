"""service desk satisfaction and follow-up facts: survey answers, follow-up visits.

Revision ID: 9f3a6b2c8d41
Revises: 8e2d5c1a7b30
Create Date: 2026-12-04 17:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from services.chassis.models import UtcDateTime


revision: str = '9f3a6b2c8d41'
down_revision: Union[str, Sequence[str], None] = '8e2d5c1a7b30'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('desk_survey_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('agent_id', sa.String(length=36), nullable=True),
    sa.Column('team_id', sa.String(length=36), nullable=True),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('priority', sa.String(length=10), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('answered_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_survey_fact'))
    )
    op.create_index('ix_desk_survey_fact_answered', 'desk_survey_fact', ['answered_at'])
    op.create_table('desk_followup_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('assignee_id', sa.String(length=36), nullable=True),
    sa.Column('due_at', UtcDateTime(), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('completed_at', UtcDateTime(), nullable=True),
    sa.Column('state_sequence', sa.BigInteger(), nullable=False),
    sa.Column('scheduled_sequence', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_followup_fact'))
    )
    op.create_index('ix_desk_followup_fact_due', 'desk_followup_fact', ['due_at'])


def downgrade() -> None:
    op.drop_index('ix_desk_followup_fact_due', table_name='desk_followup_fact')
    op.drop_table('desk_followup_fact')
    op.drop_index('ix_desk_survey_fact_answered', table_name='desk_survey_fact')
    op.drop_table('desk_survey_fact')
