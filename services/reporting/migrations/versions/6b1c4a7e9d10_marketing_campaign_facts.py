"""marketing campaign KPI facts: campaigns (cost), recipients' outcomes, first engagements,
responses, campaign leads, deal credits.

Revision ID: 6b1c4a7e9d10
Revises: 1d3e7a0c0004
Create Date: 2026-12-04 15:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '6b1c4a7e9d10'
down_revision: Union[str, Sequence[str], None] = '1d3e7a0c0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('campaign_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('cost_cents', sa.BigInteger(), nullable=False),
    sa.Column('record_sequence', sa.BigInteger(), nullable=False),
    sa.Column('cost_sequence', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_fact'))
    )
    op.create_table('campaign_recipient_fact',
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('sequence', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('campaign_id', 'contact_id', name=op.f('pk_campaign_recipient_fact'))
    )
    op.create_table('campaign_engagement_fact',
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('campaign_id', 'contact_id', 'kind',
                            name=op.f('pk_campaign_engagement_fact'))
    )
    op.create_table('campaign_response_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_response_fact'))
    )
    op.create_index(op.f('ix_campaign_response_fact_campaign_id'), 'campaign_response_fact',
                    ['campaign_id'], unique=False)
    op.create_table('campaign_lead_fact',
    sa.Column('lead_id', sa.String(length=36), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=True),
    sa.Column('deal_id', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('lead_id', name=op.f('pk_campaign_lead_fact'))
    )
    op.create_index(op.f('ix_campaign_lead_fact_campaign_id'), 'campaign_lead_fact',
                    ['campaign_id'], unique=False)
    op.create_table('campaign_credit_fact',
    sa.Column('deal_id', sa.String(length=36), nullable=False),
    sa.Column('model', sa.String(length=5), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('credited', sa.Boolean(), nullable=False),
    sa.Column('sequence', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('deal_id', 'model', name=op.f('pk_campaign_credit_fact'))
    )
    op.create_index(op.f('ix_campaign_credit_fact_campaign_id'), 'campaign_credit_fact',
                    ['campaign_id'], unique=False)


def downgrade() -> None:
    for index, table in (('ix_campaign_credit_fact_campaign_id', 'campaign_credit_fact'),
                         ('ix_campaign_lead_fact_campaign_id', 'campaign_lead_fact'),
                         ('ix_campaign_response_fact_campaign_id', 'campaign_response_fact')):
        op.drop_index(op.f(index), table_name=table)
    for table in ('campaign_credit_fact', 'campaign_lead_fact', 'campaign_response_fact',
                  'campaign_engagement_fact', 'campaign_recipient_fact', 'campaign_fact'):
        op.drop_table(table)
