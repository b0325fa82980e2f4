"""targets tasks: targets, tasks and reminders

Revision ID: a1d0c0000004
Revises: a1d0c0000003
Create Date: 2026-11-23

The revision chain was laid out before the work so that the parts built in parallel stay one
line of history. Each part keeps its own block below (upgrade/downgrade call them in order).

tasks: the tables of services/sales/models_tasks.py — task, task_rule (seeded with the default
follow-up rules, handlers/follow_ups.py) and contact_birthday.

targets: the table of services/sales/models_targets.py — sales_target.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import services.chassis.models

revision: str = 'a1d0c0000004'
down_revision: Union[str, Sequence[str], None] = 'a1d0c0000003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# As handlers/follow_ups.py DEFAULT_RULES was when this revision was written (frozen here: a
# later change of the defaults must not change what this revision did).
DEFAULT_RULES = (
    ("quote_sent", 3, "Follow up on the quote", True),
    ("stage:proposal", 3, "Follow up on the proposal", True),
    ("stage:negotiation", 5, "Bring the negotiation to a decision", True),
)


def upgrade() -> None:
    upgrade_tasks()
    upgrade_targets()


def downgrade() -> None:
    downgrade_targets()
    downgrade_tasks()


# --- tasks and reminders (helper "tasks") ------------------------------------------------------

def upgrade_tasks() -> None:
    op.create_table('contact_birthday',
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('birthday', sa.Date(), nullable=False),
    sa.Column('owner_id', sa.String(length=36), nullable=True),
    sa.Column('reminded_year', sa.Integer(), nullable=True),
    sa.Column('updated_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('contact_id')
    )
    with op.batch_alter_table('contact_birthday', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_birthday_customer_id'), ['customer_id'], unique=False)
    rules = op.create_table('task_rule',
    sa.Column('trigger', sa.String(length=60), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('trigger')
    )
    op.create_table('task',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('customer_id', sa.String(length=36), nullable=True),
    sa.Column('deal_id', sa.String(length=36), nullable=True),
    sa.Column('assignee_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('origin_key', sa.String(length=160), nullable=True),
    sa.Column('due_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('due_notified_at', services.chassis.models.UtcDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', services.chassis.models.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('origin_key')
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_assignee_due', ['assignee_id', 'status', 'due_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index('ix_task_due_scan', ['status', 'due_at'], unique=False)
    # The default follow-up rules (configurable, so data, not code).
    op.bulk_insert(rules, [{"trigger": trigger, "days": days, "title": title, "active": active}
                           for trigger, days, title, active in DEFAULT_RULES])


def downgrade_tasks() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_due_scan')
        batch_op.drop_index(batch_op.f('ix_task_deal_id'))
        batch_op.drop_index(batch_op.f('ix_task_customer_id'))
        batch_op.drop_index('ix_task_assignee_due')
    op.drop_table('task')
    op.drop_table('task_rule')
    with op.batch_alter_table('contact_birthday', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_birthday_customer_id'))
    op.drop_table('contact_birthday')


# --- sales targets (helper "targets") -----------------------------------------------------------

def upgrade_targets() -> None:
    op.create_table('sales_target',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('period_kind', sa.String(length=10), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('scope_value', sa.String(length=100), nullable=False),
    sa.Column('measure', sa.String(length=20), nullable=False),
    sa.Column('amount_cents', services.chassis.models.Cents(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('at_risk_notified_on', sa.Date(), nullable=True),
    sa.Column('set_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', services.chassis.models.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period_kind', 'period_start', 'scope', 'scope_value', 'measure',
                        'currency', name='uq_sales_target')
    )


def downgrade_targets() -> None:
    op.drop_table('sales_target')
