"""Automation rules over a real marketing database, with the other services' RPCs faked: a rule
is validated whole against the trigger catalogue (422 naming the trigger, index and field), a
catalogued event schedules exactly one run per enabled rule (not for events before it was
enabled, not twice for one event even after the inbox was emptied), the timer fires it once
with the conditions evaluated then, the actions call customers / sales as the rule (causation)
and the loop protection skips what a rule's own action caused."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, delete, func, select
from sqlalchemy.orm import Session

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.models import InboxEvent, OutboxEvent
from services.chassis.rpc import ServiceUnavailable
from services.marketing import metrics
from services.marketing.automation.handlers import log, rules, runs, triggering
from services.marketing.automation.models import AutomationRule, AutomationRun
from services.marketing.consent.handlers import set_consent
from services.marketing.segments.handlers import definitions, members
from services.marketing.templates import rendering
from services.marketing.templates.models import EmailTemplate
from tests.unit.marketing.support import (T0, Log, apply, contact, customer, marketing_db,
                                          order)

MARKETER = Principal("u-mkt", "marketer")
TAG_NEW = {"name": "Welcome", "trigger": "customers.customer_created",
           "actions": [{"type": "add_tag", "tags": ["welcome"]}], "enabled": True}


class FakeRemote:
    """customers' and sales' RPCs as automation calls them; `fail` makes the next calls raise."""

    def __init__(self):
        self.calls, self.fail = [], None

    def call(self, principal, service, method, *args, idempotency=None):
        self.calls.append((principal.user_id, service, method, args, idempotency))
        if self.fail:
            raise self.fail
        return {"id": "t-1"} if method == "create_task" else {"changed": 1}


@pytest.fixture
def clock(monkeypatch):
    """Rules are enabled at T0; the events of support.Log occur a minute apart after it."""
    now = {"value": T0}
    for module in (rules, triggering):
        monkeypatch.setattr(module, "utcnow", lambda: now["value"])
    return now


@pytest.fixture
def db(clock):
    return marketing_db(create_engine("sqlite://"))


@pytest.fixture
def remote():
    return FakeRemote()


def write(db, function, *args):
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        return function(uow, MARKETER, *args)


def read(db, function, *args):
    with db.read_only() as session:
        return function(session, MARKETER, *args)


def all_runs(db):
    with db.read_only() as session:
        found = list(session.scalars(select(AutomationRun).order_by(AutomationRun.created_at,
                                                                    AutomationRun.payload)))
        session.expunge_all()               # readable after the read-only session's rollback
        return found


def fire(db, remote, at):
    return runs.fire_due(db, remote, at)


# --- validation -------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, where, says", [
    ({"trigger": "sales.invoice_paid"}, ("trigger",), "Unknown trigger 'sales.invoice_paid'"),
    ({"conditions": [{"on": "event", "field": "colour", "op": "eq", "value": "red"}]},
     ("conditions", 0, "field"), "Unknown field"),
    ({"conditions": [{"on": "event", "field": "region", "op": "gt", "value": "x"}]},
     ("conditions", 0, "op"), "Not an operator"),
    ({"conditions": [{"on": "contact", "field": "tags", "op": "any", "value": "vip"}]},
     ("conditions", 0, "value"), "A list"),
    ({"conditions": [{"on": "segment", "op": "in", "value": "nope"}]},
     ("conditions", 0, "value"), "existing segment"),
    ({"conditions": [{"on": "weather", "field": "x"}]}, ("conditions", 0, "on"), "One of"),
    ({"actions": []}, ("actions", "_schema"), "1..10"),
    ({"actions": [{"type": "launch_rocket"}]}, ("actions", 0, "type"), "One of"),
    ({"actions": [{"type": ["add_tag"]}, "add_tag"]}, ("actions", 1, "type"), "One of"),
    ({"conditions": {"on": "event"}}, ("conditions", "_schema"), "A list"),
    ({"conditions": [{"on": ["event"], "field": {}}]}, ("conditions", 0, "on"), "One of"),
    ({"actions": [{"type": "add_tag", "tags": []}]}, ("actions", 0, "tags"), "Length"),
    ({"actions": [{"type": "add_tag", "tags": ["x"], "colour": 1}]}, ("actions", 0, "colour"),
     "Unknown"),
    ({"actions": [{"type": "add_to_segment", "segment_id": "nope"}]},
     ("actions", 0, "segment_id"), "static list"),
    ({"trigger": "sales.target_at_risk"}, ("actions", 0, "type"), "names no customer"),
    ({"trigger": "sales.target_at_risk", "actions": [{"type": "notify_user", "template": "t"}],
      "conditions": [{"on": "contact", "field": "region", "op": "eq", "value": "x"}],
      "enabled": False}, ("conditions", 0, "on"), "only event conditions"),
    ({"delay_seconds": -1}, ("delay_seconds",), "greater than or equal to 0"),
])
def test_a_bad_rule_is_a_422_naming_the_place_and_nothing_is_written(db, changes, where, says):
    with pytest.raises(Invalid) as refused:
        write(db, rules.create_rule, {**TAG_NEW, **changes})
    found = refused.value.details
    for key in where:
        found = found[key]
    assert says.lower() in str(found).lower()
    assert read(db, rules.list_rules)["items"] == []
    with db.read_only() as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 0


def test_a_rule_is_saved_published_and_enabled_or_not(db):
    rule = write(db, rules.create_rule, {**TAG_NEW, "enabled": False})
    assert (rule["enabled"], rule["enabled_at"], rule["runnable"]) == (False, None, True)
    enabled = write(db, rules.set_enabled, rule["id"], True)
    assert enabled["enabled"] and enabled["enabled_at"]
    changed = write(db, rules.update_rule, rule["id"], {"delay_seconds": 60})
    assert changed["delay_seconds"] == 60 and changed["enabled"]
    with db.read_only() as session:
        published = [(e.event_type, e.payload) for e in session.scalars(
            select(OutboxEvent).order_by(OutboxEvent.sequence))]
    assert [t for t, _ in published] == ["automation_rule_created", "automation_rule_updated",
                                         "automation_rule_updated"]
    with pytest.raises(Conflict):
        write(db, rules.create_rule, {**TAG_NEW, "name": " welcome "})
    with pytest.raises(NotFound):
        write(db, rules.set_enabled, "nope", True)


def test_an_email_action_names_an_existing_template(db):
    with pytest.raises(Invalid) as refused:
        write(db, rules.create_rule, {**TAG_NEW, "actions": [
            {"type": "send_email", "template_id": "nope"}]})
    assert refused.value.details == {"actions": {0: {"template_id": [
        "Not an existing email template."]}}}


def test_the_shipped_examples_are_disabled_valid_rules_with_their_templates(migrated_database):
    engine = create_engine(migrated_database("marketing"))
    try:
        with Session(engine) as session:
            shipped = list(session.scalars(select(AutomationRule).where(
                AutomationRule.created_by == "system").order_by(AutomationRule.trigger)))
            assert [(r.trigger, r.enabled) for r in shipped] == [
                ("sales.order_placed", False), ("sales.target_at_risk", False)]
            for rule in shipped:
                rules.checked(session, rule.trigger, json.loads(rule.conditions),
                              json.loads(rule.actions))
                (action,) = json.loads(rule.actions)
                template = session.get(EmailTemplate, action["template_id"])
                assert rendering.check({f: getattr(template, f) for f in rendering.FIELDS}) == {}
            assert [json.loads(r.actions)[0]["type"] for r in shipped] == ["send_email",
                                                                         "notify_user"]
    finally:
        engine.dispose()


# --- once per event ------------------------------------------------------------------------------

def test_an_event_schedules_one_run_per_enabled_rule_once(db, remote):
    on = write(db, rules.create_rule, TAG_NEW)
    write(db, rules.create_rule, {**TAG_NEW, "name": "Off", "enabled": False})
    customers = Log("customers")
    created = customers.emit("customer_created", customer())
    apply(db, created, created)
    with db.unit_of_work() as uow:              # the rebuild empties the inbox; replayed:
        uow.session.execute(delete(InboxEvent))
    apply(db, created)
    (run,) = all_runs(db)
    assert (run.rule_id, run.event_id, run.outcome, run.customer_id) == (
        on["id"], created["event_id"], "scheduled", "c-1")


def test_events_before_the_rule_was_enabled_are_not_its_own(db, clock):
    customers = Log("customers")
    early = customers.emit("customer_created", customer())          # T0 + 1 min
    clock["value"] = T0 + timedelta(hours=1)
    write(db, rules.create_rule, TAG_NEW)
    apply(db, early)
    assert all_runs(db) == []


# --- firing ------------------------------------------------------------------------------------

def counted(outcome, reason=""):
    return metrics.AUTOMATION_RUNS.labels(outcome, reason)._value.get()


def test_a_due_run_fires_once_as_the_rule_and_logs_done(db, remote):
    done_before = counted("done")
    rule = write(db, rules.create_rule, TAG_NEW)
    apply(db, Log("customers").emit("customer_created", customer()))
    at = T0 + timedelta(minutes=5)
    assert fire(db, remote, at) == 1
    assert fire(db, remote, at) == 0                     # claimed and finished: once
    ((who, service, method, args, _key),) = remote.calls
    assert (who, service, method, args) == (f"automation:1:{rule['id']}", "customers",
                                            "tag_customers", (["c-1"], ["welcome"]))
    (run,) = all_runs(db)
    assert (run.outcome, run.reason, run.attempts, run.finished_at) == ("done", None, 1, at)
    assert counted("done") == done_before + 1


def test_conditions_on_the_event_and_the_contact_decide_at_fire_time(db, remote):
    big = write(db, rules.create_rule, {
        "name": "Big EUR orders of north customers", "trigger": "sales.order_placed",
        "conditions": [{"on": "event", "field": "total", "op": "gte", "value": "500.00",
                        "currency": "EUR"},
                       {"on": "contact", "field": "region", "op": "eq", "value": "north"}],
        "actions": [{"type": "add_tag", "tags": ["big-buyer"]}], "enabled": True})
    apply(db, Log("customers").emit("customer_created", customer()))
    sales = Log("sales")
    apply(db, sales.emit("order_placed", order(id="o-1", total="1000.00")),
          sales.emit("order_placed", order(id="o-2", total="100.00")),
          sales.emit("order_placed", order(id="o-3", total="1000.00", currency="USD")))
    fire(db, remote, T0 + timedelta(hours=1))
    outcomes = {json.loads(r.payload)["id"]: (r.outcome, r.reason) for r in all_runs(db)}
    assert outcomes == {"o-1": ("done", None), "o-2": ("skipped", "condition_false"),
                        "o-3": ("skipped", "condition_false")}
    assert len(remote.calls) == 1
    page = read(db, log.list_runs, big["id"], {"outcome": "skipped", "limit": 1})
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = read(db, log.list_runs, big["id"], {"outcome": "skipped",
                                               "cursor": page["next_cursor"]})
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert "Condition 0 is false" in rest["items"][0]["detail"]


def test_a_delay_holds_the_run_until_it_is_due(db, remote):
    write(db, rules.create_rule, {**TAG_NEW, "delay_seconds": 3600})
    apply(db, Log("customers").emit("customer_created", customer()))
    assert fire(db, remote, T0 + timedelta(minutes=59)) == 0
    assert fire(db, remote, T0 + timedelta(hours=1)) == 1 and len(remote.calls) == 1


def test_a_rule_disabled_before_its_run_was_due_skips_it(db, remote):
    rule = write(db, rules.create_rule, {**TAG_NEW, "delay_seconds": 60})
    apply(db, Log("customers").emit("customer_created", customer()))
    write(db, rules.set_enabled, rule["id"], False)
    fire(db, remote, T0 + timedelta(hours=1))
    assert [(r.outcome, r.reason) for r in all_runs(db)] == [("skipped", "rule_disabled")]
    assert remote.calls == []


def test_the_task_goes_to_the_owner_under_a_key_stable_across_retries(db, remote):
    write(db, rules.create_rule, {**TAG_NEW, "actions": [
        {"type": "create_task", "title": "Welcome call", "kind": "call", "due_in_days": 2}]})
    apply(db, Log("customers").emit("customer_created", customer()))
    remote.fail = ServiceUnavailable("sales is away")
    fire(db, remote, T0 + timedelta(minutes=5))
    (run,) = all_runs(db)
    assert (run.outcome, run.attempts) == ("scheduled", 1) and "sales is away" in run.detail
    assert run.due_at == T0 + timedelta(minutes=5, seconds=30)
    remote.fail = None
    fire(db, remote, T0 + timedelta(minutes=10))
    (first, second) = remote.calls
    assert first[3] == second[3] and first[4] == second[4]      # same data, same key
    assert second[3][0] == {"title": "Welcome call", "kind": "call", "customer_id": "c-1",
                            "assignee_id": "u-rep1",
                            "due_at": (T0 + timedelta(days=2)).isoformat()}
    assert all_runs(db)[0].outcome == "done"


def test_a_refused_action_fails_the_run_with_its_reason(db, remote):
    write(db, rules.create_rule, {**TAG_NEW, "actions": [
        {"type": "create_task", "title": "Welcome call"}]})
    apply(db, Log("customers").emit("customer_created", customer(owner_id=None)))
    fire(db, remote, T0 + timedelta(minutes=5))
    (run,) = all_runs(db)
    assert (run.outcome, run.reason) == ("failed", "action_failed")
    assert "no owner" in run.detail and remote.calls == []


def test_an_outage_is_retried_then_failed(db, remote, monkeypatch):
    monkeypatch.setenv("MARKETING_AUTOMATION_MAX_ATTEMPTS", "2")
    write(db, rules.create_rule, TAG_NEW)
    apply(db, Log("customers").emit("customer_created", customer()))
    remote.fail = ServiceUnavailable("customers is away")
    fire(db, remote, T0 + timedelta(minutes=5))
    fire(db, remote, T0 + timedelta(hours=1))
    (run,) = all_runs(db)
    assert (run.outcome, run.reason, run.attempts) == ("failed", "retries_exhausted", 2)


def test_add_to_segment_puts_the_contact_on_the_static_list(db, remote):
    apply(db, Log("customers").emit("customer_created", customer()))
    vip = write(db, definitions.create_segment, {"name": "VIP", "kind": "static"})
    write(db, rules.create_rule, {**TAG_NEW, "trigger": "sales.order_placed",
                                  "actions": [{"type": "add_to_segment", "segment_id": vip["id"]}]})
    apply(db, Log("sales").emit("order_placed", order()))
    fire(db, remote, T0 + timedelta(hours=1))
    page = read(db, members.list_members, vip["id"], {})
    assert [m["id"] for m in page["items"]] == ["c-1"]


# --- loop protection ---------------------------------------------------------------------------

def caused_by(envelope, depth, rule_id):
    return {**envelope, "actor": f"automation:{depth}:{rule_id}"}


def test_an_event_caused_by_a_rule_does_not_trigger_that_rule_again(db, remote):
    echo = write(db, rules.create_rule, {
        "name": "Tagged vip → tag priority", "trigger": "customers.customer_tagged",
        "conditions": [{"on": "event", "field": "added", "op": "any", "value": ["vip"]}],
        "actions": [{"type": "add_tag", "tags": ["priority"]}], "enabled": True})
    other = write(db, rules.create_rule, {
        "name": "Any tag → list", "trigger": "customers.customer_tagged",
        "actions": [{"type": "remove_tag", "tags": ["prospect"]}], "enabled": True})
    customers = Log("customers")
    apply(db, customers.emit("customer_created", customer()))
    tagged = customers.emit("customer_tagged", {"customer_id": "c-1", "tags": ["vip"],
                                                "added": ["vip"], "removed": []})
    apply(db, caused_by(tagged, 1, echo["id"]))
    by_rule = {r.rule_id: (r.outcome, r.reason, r.depth) for r in all_runs(db)}
    assert by_rule == {echo["id"]: ("skipped", "loop", 1), other["id"]: ("scheduled", None, 1)}
    fire(db, remote, T0 + timedelta(hours=1))
    assert remote.calls[0][0] == f"automation:2:{other['id']}"       # one step deeper


def test_a_chain_of_rules_stops_at_the_maximum_depth(db, remote):
    write(db, rules.create_rule, {**TAG_NEW, "trigger": "customers.customer_tagged"})
    tagged = Log("customers").emit("customer_tagged", {"customer_id": "c-1", "tags": ["x"],
                                                       "added": ["x"], "removed": []})
    loops_before = counted("skipped", "loop")
    apply(db, caused_by(tagged, 3, "another-rule"))
    assert counted("skipped", "loop") == loops_before + 1
    (run,) = all_runs(db)
    assert (run.outcome, run.reason) == ("skipped", "loop") and "3 rule actions deep" in run.detail


# --- email: who may be sent to -------------------------------------------------------------------

def template(db):
    with db.unit_of_work() as uow:
        uow.session.add(EmailTemplate(id="tpl-1", name="Hi", name_norm="hi", subject="Hi",
                                      html="<p>Hi</p>", text="Hi", created_by="u", created_at=T0,
                                      updated_by="u", updated_at=T0))
    return "tpl-1"


@pytest.mark.parametrize("email, who, consent, sendable", [
    ("info@acme.example", "c-1", None, True), (None, "c-1", None, False),
    ("info@acme.example", "c-1", "do_not_contact", False),
    ("info@acme.example", "c-1", "unsubscribed", False),
    # the address's consent: another contact holding it (ct-2) refused — or one holding
    # another address (ct-3), which changes nothing
    ("info@acme.example", "ct-2", "unsubscribed", False),
    ("info@acme.example", "ct-2", "do_not_contact", False),
    ("info@acme.example", "ct-3", "unsubscribed", True),
])
def test_a_mail_rule_skips_a_contact_that_may_not_be_sent_to(db, remote, monkeypatch, email,
                                                              who, consent, sendable):
    sent = []
    monkeypatch.setattr("services.chassis.mail.send", sent.append)
    write(db, rules.create_rule, {**TAG_NEW, "actions": [
        {"type": "add_tag", "tags": ["mailed"]},
        {"type": "send_email", "template_id": template(db)}]})
    customers = Log("customers")
    apply(db, customers.emit("customer_created", customer(email=email)),
          customers.emit("contact_added", contact(id="ct-2", email="Info@Acme.example")),
          customers.emit("contact_added", contact(id="ct-3", email="sales@acme.example")))
    if consent:
        write(db, set_consent, who, {"channel": "email", "status": consent,
                                     "reason": "manual" if consent == "do_not_contact" else None})
    fire(db, remote, T0 + timedelta(hours=1))
    (run,) = all_runs(db)
    if sendable:
        assert (run.outcome, run.actions_done, len(sent), len(remote.calls)) == ("done", 2, 1, 1)
        assert sent[0]["To"] == "info@acme.example"
    else:       # none of the rule's actions: the run is skipped whole
        assert (run.outcome, run.reason, sent, remote.calls) == (
            "skipped", "contact_not_sendable", [], [])


# --- the service desk's events ---------------------------------------------------------------------

def test_a_resolved_ticket_triggers_a_rule_on_its_customer(db, remote):
    from services.service_desk.events import EVENT_SCHEMAS as SERVICE_DESK
    write(db, rules.create_rule, {
        "name": "Resolved → tag", "trigger": "service_desk.ticket_status_changed",
        "conditions": [{"on": "event", "field": "to_category", "op": "eq", "value": "resolved"}],
        "actions": [{"type": "add_tag", "tags": ["recently-helped"]}], "enabled": True})
    apply(db, Log("customers").emit("customer_created", customer()))
    changed = {"ticket_id": "tk-1", "customer_id": "c-1", "from_status": "open",
               "to_status": "resolved", "from_category": "open", "to_category": "resolved",
               "reason": "manual", "changed_by": "u-agent", "changed_at": T0}
    apply(db, {"event_id": "7b0d3c1e-0000-4000-8000-000000000001", "source": "service_desk",
               "event_type": "ticket_status_changed", "version": 1, "sequence": 1,
               "occurred_at": (T0 + timedelta(minutes=2)).isoformat(), "actor": "u-agent",
               "payload": SERVICE_DESK["ticket_status_changed"].dump(changed)})
    fire(db, remote, T0 + timedelta(hours=1))
    assert [(c[2], c[3]) for c in remote.calls] == [("tag_customers",
                                                     (["c-1"], ["recently-helped"]))]


# --- segment-membership conditions -------------------------------------------------------------

def _segment_rules(db, segment_id):
    return {op: write(db, rules.create_rule, {
        "name": f"Orders of contacts {op} the VIP list", "trigger": "sales.order_placed",
        "conditions": [{"on": "segment", "op": op, "value": segment_id}],
        "actions": [{"type": "add_tag", "tags": [f"ordered-{op}"]}], "enabled": True})["id"]
        for op in ("in", "not_in")}


def _outcomes(db):
    return {(r.rule_id, json.loads(r.payload)["customer_id"]): (r.outcome, r.reason)
            for r in all_runs(db)}


def test_a_segment_condition_holds_for_members_in_and_for_the_others_not_in(db, remote):
    customers = Log("customers")
    apply(db, customers.emit("customer_created", customer()),
          customers.emit("customer_created", customer(id="c-2", name="Other",
                                                      email="info@other.example")))
    vip = write(db, definitions.create_segment, {"name": "VIP", "kind": "static"})
    write(db, members.add_members, vip["id"], {"contact_ids": ["c-1"]})
    rule = _segment_rules(db, vip["id"])
    sales = Log("sales")
    apply(db, sales.emit("order_placed", order(id="o-1", customer_id="c-1")),
          sales.emit("order_placed", order(id="o-2", customer_id="c-2")))
    fire(db, remote, T0 + timedelta(hours=1))
    assert _outcomes(db) == {
        (rule["in"], "c-1"): ("done", None), (rule["in"], "c-2"): ("skipped", "condition_false"),
        (rule["not_in"], "c-1"): ("skipped", "condition_false"),
        (rule["not_in"], "c-2"): ("done", None)}
    assert sorted(args for _who, _service, _method, args, _key in remote.calls) == [
        (["c-1"], ["ordered-in"]), (["c-2"], ["ordered-not_in"])]


def test_a_segment_condition_sees_the_membership_when_the_run_fires(db, remote):
    """Left the list after the order, before the delayed run fired: "in" is false then, and
    "not_in" true."""
    apply(db, Log("customers").emit("customer_created", customer()))
    vip = write(db, definitions.create_segment, {"name": "VIP", "kind": "static"})
    write(db, members.add_members, vip["id"], {"contact_ids": ["c-1"]})
    rule = _segment_rules(db, vip["id"])
    apply(db, Log("sales").emit("order_placed", order()))
    write(db, members.remove_members, vip["id"], {"contact_ids": ["c-1"]})
    fire(db, remote, T0 + timedelta(hours=1))
    assert _outcomes(db) == {(rule["in"], "c-1"): ("skipped", "condition_false"),
                             (rule["not_in"], "c-1"): ("done", None)}
