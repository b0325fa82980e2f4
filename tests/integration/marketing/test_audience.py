"""marketing's audience from real events over RabbitMQ: live, and by the catch-up for what was
published before marketing's queues existed; reps are refused."""
import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import func, select

from services.chassis.auth import Principal
from services.chassis.db import Database
from services.chassis.errors import Forbidden
from services.chassis.models import InboxEvent
from tests.helpers import wait_until
from tests.integration.marketing.conftest import call
from tests.unit.marketing.support import contact, customer, deal, updated

MARKETER = Principal("u-mkt", "marketer")
MANAGER = Principal("u-mgr", "manager")
REP = Principal("u-rep1", "sales_rep")


def db_of(container):
    provider = next(d for d in container.dependencies if isinstance(d, Database))
    return provider.get_dependency(None)


def audience(container, **query):
    return call(container, "list_audience", query, principal=MARKETER)["items"]


def test_the_audience_follows_customers_and_sales_live(producers, marketing):
    marketing.start()
    call(producers["customers"], "publish", [("customer_created", customer()),
                                             ("contact_added", contact())])
    call(producers["sales"], "publish", [("deal_won", deal())])
    wait_until(lambda: call(marketing, "get_audience_member", "c-1", principal=MANAGER)
               ["lifetime_value"] if len(audience(marketing)) == 2 else None,
               message="the customer, its contact and its purchase")
    call(producers["customers"], "publish", [("customer_updated",
                                              updated(["region"], region="south"))])
    wait_until(lambda: call(marketing, "get_audience_member", "ct-1",
                            principal=MARKETER)["region"] == "south", message="the new region")
    with pytest.raises(Forbidden):
        call(marketing, "list_audience", {}, principal=REP)


@pytest.mark.dialect_sensitive("the inbox's ON CONFLICT and a catch-up page in one transaction")
def test_what_was_published_before_marketing_started_is_caught_up(producers, marketing):
    call(producers["customers"], "publish", [("customer_created", customer(id=f"c-{n}"))
                                             for n in range(30)])
    call(producers["sales"], "publish", [("deal_won", deal(customer_id="c-3"))])
    marketing.start()
    with entrypoint_hook(marketing, "catch_up_events") as catch_up:
        catch_up()
    assert len(audience(marketing, limit=100)) == 30
    assert call(marketing, "get_audience_member", "c-3", principal=MARKETER)["lifetime_value"]
    with db_of(marketing).read_only() as session:
        assert session.scalar(select(func.count()).select_from(InboxEvent)) == 31
