"""idempotency keys: the chassis table of Idempotency-Key first answers

Why: a write retried with the same Idempotency-Key (after a 503 or a timeout) answers its first
answer instead of running twice; the answer is recorded in the write's own transaction, so in
this service's database (services/chassis/idempotency.py).

Revision ID: 1d3e7a0c0001
Revises: 9f2c05339b06
Create Date: 2026-12-04 04:30:00
"""
from typing import Sequence, Union

from alembic import op

from services.chassis.migration_ops import create_idempotency_key_table, drop_idempotency_key_table

revision: str = '1d3e7a0c0001'
down_revision: Union[str, Sequence[str], None] = '9f2c05339b06'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_idempotency_key_table(op)


def downgrade() -> None:
    drop_idempotency_key_table(op)
