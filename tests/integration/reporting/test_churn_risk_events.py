"""The churn-risk pass in the real reporting service publishes customer_at_risk once per
upward crossing of the threshold (through its outbox onto RabbitMQ), and the real sales service
makes exactly one follow-up task for the owner per event — even when the event is delivered
twice. Reporting's database on the parametrised dialect (claims and upserts differ)."""
import pytest
from nameko.testing.services import entrypoint_hook, entrypoint_waiter
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.chassis import inbox
from services.chassis.db import Database
from services.chassis.models import OutboxEvent
from services.sales.tasks.models import Task
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.sales_support import wait_for_sales_users
from tests.integration.reporting.support import ADMIN, REP_A, publish_people

pytestmark = pytest.mark.dialect_sensitive("the crossing's claim and insert-or-ignore")


@pytest.fixture
def reporting(producers, databases, start_reporting):
    container = start_reporting()
    publish_people(producers, databases)
    wait_for_sales_users(databases)
    return container


def risk_tasks(engine, customer_id):
    with Session(engine) as session:
        return session.scalars(select(Task).where(Task.origin == "churn_risk",
                                                  Task.customer_id == customer_id)).all()


def published(engine):
    with Session(engine) as session:
        return session.scalars(select(OutboxEvent.sequence)
                               .where(OutboxEvent.event_type == "customer_at_risk")).all()


def evaluate(reporting):
    with entrypoint_hook(reporting, "evaluate_churn_risk") as hook:
        hook()


def test_one_event_per_crossing_and_one_task_per_event(producers, databases, reporting,
                                                        monkeypatch):
    customers, sales = producers["customers"], producers["sales"]
    customer = rpc(customers, "create_customer", ADMIN, {"name": "Wavering Ltd",
                                                         "owner_id": REP_A.user_id})["id"]
    for number in (1, 2):           # two deals lost now: the lost_deals factor's 10 points
        deal = rpc(sales, "create_deal", ADMIN, {"name": f"Lost {number}", "customer_id": customer,
                                                 "owner_id": REP_A.user_id,
                                                 "currency": "EUR"})["id"]
        rpc(sales, "move_deal", REP_A, deal, {"stage": "lost", "lost_reason": "price"})

    def scored():
        rows = rpc(reporting, "customers_churn_risk", REP_A, {})["rows"]
        return [row["score"] for row in rows if row["customer_id"] == customer] == [10]
    wait_until(scored, timeout=30, message="reporting scores the customer 10")

    monkeypatch.setenv("REPORTING_CHURN_RISK_THRESHOLD", "10")
    evaluate(reporting)
    (task,) = wait_until(lambda: risk_tasks(databases["sales"], customer), timeout=30,
                         message="sales made the owner's task")
    assert task.assignee_id == REP_A.user_id and "2 deal(s) lost" in task.notes
    evaluate(reporting)                                   # still above: nothing new
    (sequence,) = published(databases["reporting"])

    relay = next(extension for extension in reporting.extensions
                 if isinstance(extension, Database)).relay
    with Session(databases["reporting"]) as session:    # as if the relay died before marking
        session.execute(update(OutboxEvent).where(OutboxEvent.sequence == sequence)
                        .values(sent_at=None))
        session.commit()
    # the first delivery's worker may still be finishing (its commit came before its end):
    # wait for the redelivery's outcome, which is a duplicate — a second "processed" never
    # comes, and the waiter's timeout fails the test
    # sales takes reporting's events in batches (one ordered queue per producer): the
    # redelivered event arrives as a batch of its own
    with entrypoint_waiter(sales, "on_reporting_events", callback=lambda _ctx, result, _exc:
                           result == [inbox.DUPLICATE]) as delivered:
        assert relay.sweep(min_age_seconds=0) == 1          # the same event, delivered again
    assert delivered.get() == [inbox.DUPLICATE]
    assert len(risk_tasks(databases["sales"], customer)) == 1

    monkeypatch.setenv("REPORTING_CHURN_RISK_THRESHOLD", "11")
    evaluate(reporting)                                   # below now: no event
    monkeypatch.setenv("REPORTING_CHURN_RISK_THRESHOLD", "10")
    evaluate(reporting)                                   # crosses again: a second event
    assert len(published(databases["reporting"])) == 2
    wait_until(lambda: len(risk_tasks(databases["sales"], customer)) == 2, timeout=30,
               message="a second task for the second crossing")
    with Session(databases["sales"]) as session:
        assert session.scalar(select(func.count()).select_from(Task)
                              .where(Task.origin == "churn_risk")) == 2
