"""A follow-up task for the owner of a customer at risk of churning: reporting publishes
customer_at_risk once per crossing of its risk threshold; the task says why (the factors that
weigh, heaviest first) and is due SALES_CHURN_RISK_TASK_DAYS after the event.

One task per event: the inbox drops a redelivery, and the origin key (the event's id) keeps a
replay of reporting's log (the catch-up after the inbox was purged) from making a second one.
A customer without an owner gets no task: there is nobody to give it to."""
import logging
from datetime import datetime, timedelta

from services.sales import settings
from services.sales.tasks.consumes import CustomerAtRisk
from services.sales.tasks.handlers import tasks
from services.sales.tasks.handlers.birthdays import read_payload

log = logging.getLogger(__name__)
REASONS = 3             # the heaviest factors named in the task's notes


def apply_customer_at_risk(uow, envelope):
    risk = read_payload(CustomerAtRisk(), envelope)
    if not risk["owner_id"]:
        log.info("customer %s at risk has no owner: no task", risk["customer_id"])
        return
    weighing = sorted((f for f in risk["factors"] if f["points"] > 0),
                      key=lambda f: -f["points"])[:REASONS]
    notes = "\n".join(f"- {f['detail']} ({f['points']:g} points)" for f in weighing)
    found = datetime.fromisoformat(envelope["occurred_at"])
    tasks.new_task(uow, title=f"Customer at risk of churning (score {risk['score']}): get in touch",
                   kind="follow_up", assignee_id=risk["owner_id"],
                   due_at=found + timedelta(days=settings.churn_risk_task_days()),
                   origin="churn_risk", origin_key=f"customer_at_risk:{envelope['event_id']}",
                   created_by="system", customer_id=risk["customer_id"],
                   notes=f"Churn-risk score {risk['score']} (threshold {risk['threshold']}):\n{notes}")


def handlers():
    """The Subscriptions entry for reporting."""
    return {"customer_at_risk": apply_customer_at_risk}
