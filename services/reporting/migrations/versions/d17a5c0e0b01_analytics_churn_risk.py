"""analytics: churn risk's interactions per customer and the at-risk state of the risk pass.

Revision ID: d17a5c0e0b01
Revises: d1a3e57c0b17
Create Date: 2026-12-04 22:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from services.chassis.models import UtcDateTime


revision: str = 'd17a5c0e0b01'
down_revision: Union[str, Sequence[str], None] = 'd1a3e57c0b17'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('analytics_interaction_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('occurred_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analytics_interaction_fact'))
    )
    op.create_index('ix_analytics_interaction_customer', 'analytics_interaction_fact',
                    ['customer_id', 'occurred_at'])
    op.create_table('analytics_churn_risk_state',
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('at_risk', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('changed_at', UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_analytics_churn_risk_state'))
    )


def downgrade() -> None:
    op.drop_table('analytics_churn_risk_state')
    op.drop_index('ix_analytics_interaction_customer', table_name='analytics_interaction_fact')
    op.drop_table('analytics_interaction_fact')
