"""Migration steps for the chassis tables, shared by every service's alembic chain (each service
database carries them). Frozen once released: a change is a new function and a new revision in
every chain, never an edit here."""
import sqlalchemy as sa

from services.chassis.models import UtcDateTime


def create_idempotency_key_table(op):
    """services/chassis/models.py: IdempotencyRecord (Idempotency-Key first answers)."""
    op.create_table(
        "idempotency_key",
        sa.Column("principal", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("method", sa.String(length=80), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("principal", "key", "method"),
    )
    op.create_index("ix_idempotency_key_created_at", "idempotency_key", ["created_at"])


def drop_idempotency_key_table(op):
    op.drop_index("ix_idempotency_key_created_at", table_name="idempotency_key")
    op.drop_table("idempotency_key")
