"""per-projection inbox and positions: projection_inbox, projection_position; the chassis's
single inbox and consumer positions are moved into them.

Each existing inbox row goes to the projection its (source, event type) fed — until this
revision exactly one (the event types were disjoint) — and each source's position to every
projection consuming that source (all its events up to it were applied), so an upgraded
database re-applies nothing. The mapping is written out here as it was at this revision, not
read from the code (which will grow). The downgrade moves them back.

Revision ID: f7a1d0c0de01
Revises: e5a1c0de7001
Create Date: 2026-12-03 23:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import services.chassis.models  # custom column types render with their module path


revision: str = 'f7a1d0c0de01'
down_revision: Union[str, Sequence[str], None] = 'e5a1c0de7001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FED_BY = {
    "users": ("identity", ("user_created", "user_updated", "user_deactivated")),
    "customers": ("customers", ("customer_created", "customer_updated", "customer_assigned",
                                "customer_merged")),
    "interactions": ("customers", ("interaction_logged",)),
    "deals": ("sales", ("deal_created", "deal_updated", "deal_won", "deal_lost",
                        "deal_stage_changed")),
    "cash": ("sales", ("invoice_issued", "payment_received", "invoice_overdue",
                       "invoice_cancelled")),
    "targets": ("sales", ("target_set", "target_removed")),
}


def upgrade() -> None:
    op.create_table('projection_inbox',
    sa.Column('projection', sa.String(length=40), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('event_type', sa.String(length=80), nullable=False),
    sa.Column('sequence', sa.BigInteger(), nullable=False),
    sa.Column('processed_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('projection', 'event_id')
    )
    op.create_table('projection_position',
    sa.Column('projection', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('last_sequence', sa.BigInteger(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('projection', 'source')
    )
    for projection, (source, event_types) in FED_BY.items():
        op.get_bind().execute(sa.text(
            "INSERT INTO projection_inbox (projection, event_id, source, event_type, sequence, "
            "processed_at) SELECT :projection, event_id, source, event_type, sequence, "
            "processed_at FROM inbox WHERE source = :source AND event_type IN :types")
            .bindparams(sa.bindparam("types", expanding=True)),
            {"projection": projection, "source": source, "types": list(event_types)})
        op.get_bind().execute(sa.text(
            "INSERT INTO projection_position (projection, source, last_sequence, last_error) "
            "SELECT :projection, source, last_sequence, last_error FROM consumer_position "
            "WHERE source = :source"), {"projection": projection, "source": source})
    op.execute("DELETE FROM inbox")
    op.execute("DELETE FROM consumer_position")


def downgrade() -> None:
    # One inbox row per event (any projection's), and per source the lowest position: nothing
    # a projection had not applied is marked applied.
    op.execute(
        "INSERT INTO inbox (event_id, source, event_type, sequence, processed_at) "
        "SELECT event_id, MIN(source), MIN(event_type), MIN(sequence), MIN(processed_at) "
        "FROM projection_inbox GROUP BY event_id")
    op.execute(
        "INSERT INTO consumer_position (source, last_sequence, last_error) "
        "SELECT source, MIN(last_sequence), MAX(last_error) FROM projection_position "
        "GROUP BY source")
    op.drop_table('projection_position')
    op.drop_table('projection_inbox')
