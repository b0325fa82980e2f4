"""service desk ticket KPI facts: tickets (dimensions, status, SLA measures), reopenings, SLA
breaches.

Revision ID: 8e2d5c1a7b30
Revises: 7c2d4e6f8a10
Create Date: 2026-12-04 16:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from services.chassis.models import UtcDateTime


revision: str = '8e2d5c1a7b30'
down_revision: Union[str, Sequence[str], None] = '7c2d4e6f8a10'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('desk_ticket_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=True),
    sa.Column('team_id', sa.String(length=36), nullable=True),
    sa.Column('assignee_id', sa.String(length=36), nullable=True),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('priority', sa.String(length=10), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=True),
    sa.Column('status_category', sa.String(length=10), nullable=True),
    sa.Column('created_at', UtcDateTime(), nullable=True),
    sa.Column('first_response_seconds', sa.BigInteger(), nullable=True),
    sa.Column('first_response_status', sa.String(length=10), nullable=True),
    sa.Column('resolution_seconds', sa.BigInteger(), nullable=True),
    sa.Column('resolution_status', sa.String(length=10), nullable=True),
    sa.Column('dims_sequence', sa.BigInteger(), nullable=False),
    sa.Column('assign_sequence', sa.BigInteger(), nullable=False),
    sa.Column('state_sequence', sa.BigInteger(), nullable=False),
    sa.Column('sla_sequence', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_ticket_fact'))
    )
    op.create_index('ix_desk_ticket_fact_created', 'desk_ticket_fact', ['created_at'])
    op.create_index('ix_desk_ticket_fact_backlog', 'desk_ticket_fact',
                    ['status_category', 'team_id'])
    op.create_table('desk_ticket_reopen_fact',
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('ticket_id', 'at', name=op.f('pk_desk_ticket_reopen_fact'))
    )
    op.create_table('desk_ticket_breach_fact',
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('target', sa.String(length=16), nullable=False),
    sa.Column('due_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('ticket_id', 'target', 'due_at',
                            name=op.f('pk_desk_ticket_breach_fact'))
    )


def downgrade() -> None:
    op.drop_table('desk_ticket_breach_fact')
    op.drop_table('desk_ticket_reopen_fact')
    op.drop_index('ix_desk_ticket_fact_backlog', table_name='desk_ticket_fact')
    op.drop_index('ix_desk_ticket_fact_created', table_name='desk_ticket_fact')
    op.drop_table('desk_ticket_fact')
