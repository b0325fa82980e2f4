"""marketing facts dated on their events' own times (the campaign report per period), and the
campaign's cost entries (campaign_cost_fact: cost per day incurred).

Rows applied before this revision have no time: a rebuild of the `campaigns` projection dates
them (the report lists them under an undated period meanwhile, so totals still add up).

Revision ID: 7c2d4e6f8a10
Revises: 6b1c4a7e9d10
Create Date: 2026-12-04 16:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import services.chassis.models  # custom column types render with their module path


revision: str = '7c2d4e6f8a10'
down_revision: Union[str, Sequence[str], None] = '6b1c4a7e9d10'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DATED = (('campaign_recipient_fact', 'at'), ('campaign_engagement_fact', 'at'),
         ('campaign_response_fact', 'received_at'), ('campaign_lead_fact', 'created_at'),
         ('campaign_lead_fact', 'converted_at'), ('campaign_credit_fact', 'won_at'))


def upgrade() -> None:
    for table, column in DATED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(column, services.chassis.models.UtcDateTime(timezone=True),
                                       nullable=True))
    op.create_table('campaign_cost_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('incurred_on', sa.Date(), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_cost_fact'))
    )
    op.create_index(op.f('ix_campaign_cost_fact_campaign_id'), 'campaign_cost_fact',
                    ['campaign_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_campaign_cost_fact_campaign_id'), table_name='campaign_cost_fact')
    op.drop_table('campaign_cost_fact')
    for table, column in reversed(DATED):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
