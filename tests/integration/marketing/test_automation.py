"""Automation over a real broker and database (SQLite and PostgreSQL): a rule reacts to a live
event, its action calls another service over RPC as the rule (a stand-in customers that records
the calls and publishes customer_tagged with the caller as the actor, as the real one does), and
the event that action causes is received again — the rule it came from is not triggered by it
(loop protection), the run log says so, and each action happened exactly once; a mail rule
skips a contact whose address another contact holding it unsubscribed (a real SMTP server)."""
import eventlet
import pytest
from nameko.rpc import rpc
from nameko.testing.services import entrypoint_hook
from sqlalchemy import select

from services.chassis.auth import Principal
from services.marketing.automation.models import AutomationRun
from services.marketing.service import MarketingService
from tests.helpers import wait_until
from tests.integration.marketing.conftest import call, producer
from tests.integration.marketing.test_audience import db_of
from tests.unit.marketing.support import contact, customer

MARKETER = Principal("u-mkt", "marketer")
CALLS = []          # (principal user id, customer ids, tags): the stand-in's record


class TaggingCustomers(producer("customers")):
    """customers' tag_customers as automation calls it: the tags of a customer after the call,
    customer_tagged emitted with the caller as its actor (only when something changed)."""
    tags = {}

    @rpc
    def tag_customers(self, customer_ids, tags):
        principal = self.principal.require()
        CALLS.append((principal.user_id, customer_ids, tags))
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            for customer_id in customer_ids:
                before = self.tags.setdefault(customer_id, [])
                added = [tag for tag in tags if tag not in before]
                before.extend(added)
                if added:
                    uow.emit("customer_tagged", {"customer_id": customer_id,
                                                 "tags": list(before), "added": added,
                                                 "removed": []})
        return {"customer_ids": customer_ids, "changed": 1}


@pytest.fixture
def customers(container_factory, rabbit_config, databases):
    CALLS.clear()
    TaggingCustomers.tags = {}
    container = container_factory(TaggingCustomers, rabbit_config)
    container.start()
    return container


def runs_of(marketing, rule_id):
    with db_of(marketing).read_only() as session:
        return sorted((run.outcome, run.reason or "", run.depth) for run in session.scalars(
            select(AutomationRun).where(AutomationRun.rule_id == rule_id)))


@pytest.mark.dialect_sensitive("the run's unique (rule, event), the claim by conditional "
                               "UPDATE and the inbox under live workers")
def test_a_live_event_fires_the_rule_once_and_its_own_echo_is_skipped(
        customers, container_factory, rabbit_config, databases, monkeypatch):
    monkeypatch.setenv("MARKETING_AUTOMATION_TICK_SECONDS", "0.1")
    marketing = container_factory(MarketingService, rabbit_config)
    marketing.start()
    welcome = call(marketing, "create_automation_rule", {
        "name": "Welcome", "trigger": "customers.customer_created",
        "actions": [{"type": "add_tag", "tags": ["welcome"]}], "enabled": True},
        principal=MARKETER)
    echo = call(marketing, "create_automation_rule", {
        "name": "Tagged → tag again", "trigger": "customers.customer_tagged",
        "actions": [{"type": "add_tag", "tags": ["priority"]}], "enabled": True},
        principal=MARKETER)
    call(customers, "publish", [("customer_created", customer())])
    wait_until(lambda: runs_of(marketing, echo["id"]) == [("done", "", 1), ("skipped", "loop", 2)],
               timeout=30, message="the echo rule: done once, then its own event skipped")
    assert runs_of(marketing, welcome["id"]) == [("done", "", 0)]
    assert CALLS == [(f"automation:1:{welcome['id']}", ["c-1"], ["welcome"]),
                     (f"automation:2:{echo['id']}", ["c-1"], ["priority"])]
    page = call(marketing, "list_automation_runs", echo["id"], {}, principal=MARKETER)
    assert [run["outcome"] for run in page["items"]] and page["next_cursor"] is None


@pytest.mark.dialect_sensitive("the claim by conditional UPDATE under concurrent replicas")
def test_replicas_firing_at_once_run_each_rule_once_per_event(customers, container_factory,
                                                              rabbit_config, databases,
                                                              monkeypatch):
    monkeypatch.setenv("MARKETING_AUTOMATION_TICK_SECONDS", "3600")    # the test fires
    marketing = container_factory(MarketingService, rabbit_config)
    marketing.start()
    rule = call(marketing, "create_automation_rule", {
        "name": "Welcome", "trigger": "customers.customer_created",
        "actions": [{"type": "add_tag", "tags": ["welcome"]}], "enabled": True},
        principal=MARKETER)
    ids = [f"c-{n}" for n in range(12)]
    call(customers, "publish", [("customer_created", customer(id=i, name=f"Customer {i}"))
                                for i in ids])
    wait_until(lambda: len(runs_of(marketing, rule["id"])) == len(ids), timeout=30,
               message="a run scheduled per event")

    def replica_round():
        with entrypoint_hook(marketing, "fire_automation_runs") as hook:
            return hook()
    for _ in range(3):                  # three replicas' timers at once
        eventlet.spawn(replica_round)
    # (entrypoint_hook's answer may be another concurrent worker's: wait on the rows instead)
    wait_until(lambda: all(outcome == "done" for outcome, _r, _d in runs_of(marketing, rule["id"])),
               timeout=30, message="every run done")
    assert sorted(customer_ids[0] for _who, customer_ids, _tags in CALLS) == sorted(ids)
    with db_of(marketing).read_only() as session:
        assert {run.attempts for run in session.scalars(select(AutomationRun))} == {1}


@pytest.mark.dialect_sensitive("the address's consent (a correlated EXISTS over every holder) "
                               "asked when a live worker fires the run, on PostgreSQL")
def test_a_mail_rule_skips_an_address_another_contact_unsubscribed(
        customers, container_factory, rabbit_config, databases, monkeypatch, smtp_server):
    """info@acme.example is also Beta's reception's; the reception unsubscribes after the
    events and before the runs fire: Acme's run is skipped, Beta's mail goes."""
    monkeypatch.setenv("MARKETING_AUTOMATION_TICK_SECONDS", "3600")    # the test fires
    marketing = container_factory(MarketingService, rabbit_config)
    marketing.start()
    template = call(marketing, "create_template", {
        "name": "Welcome mail", "subject": "Welcome", "html": "<p>Welcome</p>",
        "text": "Welcome"}, principal=MARKETER)
    rule = call(marketing, "create_automation_rule", {
        "name": "Welcome mail", "trigger": "customers.customer_created", "enabled": True,
        "actions": [{"type": "send_email", "template_id": template["id"]}]}, principal=MARKETER)
    call(customers, "publish", [
        ("customer_created", customer()),
        ("customer_created", customer(id="c-2", name="Beta", email="b@beta.example")),
        ("contact_added", contact(id="ct-reception", customer_id="c-2",
                                  email="INFO@acme.example"))])
    wait_until(lambda: len(call(marketing, "list_audience", {"customer_id": "c-2"},
                                principal=MARKETER)["items"]) == 2
               and len(runs_of(marketing, rule["id"])) == 2,
               timeout=30, message="the reception known and a run per customer scheduled")
    call(marketing, "set_consent", "ct-reception", {"channel": "email", "status": "unsubscribed"},
         principal=MARKETER)
    with entrypoint_hook(marketing, "fire_automation_runs") as hook:
        hook()
    assert runs_of(marketing, rule["id"]) == [("done", "", 0),
                                              ("skipped", "contact_not_sendable", 0)]
    assert [r["rcpt_tos"] for r, _m in smtp_server.wait_for(1)] == [["b@beta.example"]]
    assert len(smtp_server.received()) == 1
