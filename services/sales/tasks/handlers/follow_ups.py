"""Automatic follow-ups: a rule per trigger ("stage:<key>" when a deal enters that stage,
"quote_sent" when a quote is sent) makes a task for the deal's owner, due `days` later.

The hooks run inside the transaction of the change that triggers them (move_deal, sending a
quote): the follow-up exists exactly when the change does. Consuming our own outbox events
instead would add a self-subscription, inbox rows and a catch-up through our own log for a fact
the transaction already holds. The `origin_key` (deal, stage and time of entry; quote and time
sent) keeps it to one per occurrence even if a hook ran twice. Rules are data (task_rule),
seeded by the migration with DEFAULT_RULES and replaced as a whole by an admin.
"""
from datetime import timedelta

from sqlalchemy import delete, select

from services.chassis.validation import load
from services.sales.tasks import schemas
from services.sales.tasks.handlers import tasks
from services.sales.tasks.models import TaskRule

DEFAULT_RULES = (
    ("quote_sent", 3, "Follow up on the quote", True),
    ("stage:proposal", 3, "Follow up on the proposal", True),
    ("stage:negotiation", 5, "Bring the negotiation to a decision", True),
)
RULES_SCHEMA = schemas.TaskRule(many=True)


def seed_default(session):
    for trigger, days, title, active in DEFAULT_RULES:
        session.merge(TaskRule(trigger=trigger, days=days, title=title, active=active))


def rules(session, principal=None):
    found = session.scalars(select(TaskRule).order_by(TaskRule.trigger))
    return {"rules": RULES_SCHEMA.dump(list(found))}


def replace_rules(uow, principal, data):
    """The whole set, as given (an admin's PUT); a trigger left out makes no follow-ups."""
    data = load(schemas.TaskRulesUpdate, data)
    session = uow.session
    session.execute(delete(TaskRule))
    session.add_all([TaskRule(**rule) for rule in data["rules"]])
    session.flush()
    return rules(session)


def _follow_up(uow, trigger, origin, origin_key, deal_id, customer_id, owner_id, at, actor):
    rule = uow.session.get(TaskRule, trigger)
    if rule is None or not rule.active or not owner_id:
        return None
    return tasks.new_task(uow, title=rule.title, kind="follow_up", assignee_id=owner_id,
                          due_at=at + timedelta(days=rule.days), origin=origin,
                          origin_key=origin_key, created_by=actor, customer_id=customer_id,
                          deal_id=deal_id)


def on_stage_entered(uow, deal, at, actor):
    """`deal` has just entered `deal.stage` at `at` (a live move; an import replaying history
    makes no follow-ups). One per deal, stage and time of entry."""
    return _follow_up(uow, f"stage:{deal.stage}", "stage_follow_up",
                      f"stage:{deal.id}:{deal.stage}:{at.isoformat()}", deal.id,
                      deal.customer_id, deal.owner_id, at, actor)


def on_quote_sent(uow, quote, actor):
    """Call in the transaction that emits quote_sent (quotes are sales' own), with the payload
    as emitted (`id`, `deal_id`, `customer_id`, `owner_id`, `sent_at` an aware datetime):
        follow_ups.on_quote_sent(uow, payload, principal.user_id)"""
    sent_at = quote["sent_at"]
    key = f"quote_sent:{quote['id']}:{sent_at.isoformat()}"
    return _follow_up(uow, "quote_sent", "quote_follow_up", key, quote["deal_id"],
                      quote.get("customer_id"), quote.get("owner_id"), sent_at, actor)
