"""product_fact: products' series for product-line targets

Revision ID: 4d1edcf3b28c
Revises: 788a70125f82
Create Date: 2026-12-04 04:23:43.361818

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '4d1edcf3b28c'
down_revision: Union[str, Sequence[str], None] = '788a70125f82'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Products as sales' product events state them (projections/targets.py): the targets
    projection's, cleared and replayed with it by a rebuild."""
    op.create_table('product_fact',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('series', sa.String(length=100), nullable=True),
    sa.Column('sequence', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('product_fact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_fact_series'), ['series'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('product_fact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_fact_series'))

    op.drop_table('product_fact')
