"""Marketing automation through the gateway against the real processes: a marketer defines and
enables a rule on customers' customer_created; a rep creates a customer in customers; within a
deadline the rule's actions are visible where they act — the tag on the customer in customers,
the task for the owner in sales, the mail at the SMTP server — and its run log says done. Bad
rules are precise 422s, a rep is refused, and the shipped examples wait, disabled, with their
templates."""
import uuid

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
RULES = "marketing/automation/rules"


def test_an_event_in_customers_runs_the_rule_in_customers_sales_and_mail(admin, region,
                                                                         mailbox):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    marketer = admin.create_user("marketer")
    token = uuid.uuid4().hex[:8]
    template = marketer.ok("POST", "marketing/templates", expect=201, json={
        "name": f"Welcome aboard {token}", "subject": "Welcome, {{ contact.name }}",
        "html": "<p>Welcome, {{ contact.name }}</p>", "text": "Welcome, {{ contact.name }}"})
    rule = marketer.ok("POST", RULES, expect=201, json={
        "name": f"Welcome {token}", "trigger": "customers.customer_created",
        "conditions": [{"on": "event", "field": "name", "op": "contains", "value": token}],
        "actions": [{"type": "add_tag", "tags": [f"welcomed-{token}"]},
                    {"type": "create_task", "title": f"Welcome call {token}", "kind": "call",
                     "due_in_days": 1},
                    {"type": "send_email", "template_id": template["id"]}]})
    assert rule["enabled"] is False and rule["runnable"] is True
    assert marketer.ok("POST", f"{RULES}/{rule['id']}/enable")["enabled"] is True

    address = f"hello-{token}@automated.example"
    customer = rep.create_customer(name=f"Automated {token} Ltd", region=region_name,
                                   email=address)

    def tagged():
        tags = rep.ok("GET", f"customers/{customer['id']}")["tags"]
        return f"welcomed-{token}" in tags
    wait_until(tagged, timeout=30, message="the rule's tag on the customer in customers")
    tasks = wait_until(lambda: rep.ok("GET", "tasks", params={
        "customer_id": customer["id"]})["items"], timeout=30,
        message="the rule's task for the owner in sales")
    assert [(t["title"], t["assignee_id"]) for t in tasks] == [
        (f"Welcome call {token}", rep.user["id"])]
    [message] = wait_until(lambda: mailbox.messages_to(address), timeout=30,
                           message="the rule's mail at the SMTP server")
    assert str(message["Subject"]) == f"Welcome, Automated {token} Ltd"
    runs = wait_until(lambda: [r for r in marketer.ok("GET", f"{RULES}/{rule['id']}/runs")[
        "items"] if r["outcome"] == "done"], timeout=30, message="the run logged done")
    assert [(r["outcome"], r["customer_id"], r["depth"]) for r in runs] == [
        ("done", customer["id"], 0)]


def test_bad_rules_are_precise_422s_and_reps_are_refused(admin):
    marketer = admin.create_user("marketer")
    rep = admin.create_user("sales_rep")
    bad = marketer.request("POST", RULES, json={
        "name": "Bad", "trigger": "sales.invoice_paid",
        "actions": [{"type": "add_tag", "tags": ["x"]}]})
    assert bad.status_code == 422 and "sales.invoice_paid" in str(bad.json()["errors"]["trigger"])
    bad = marketer.request("POST", RULES, json={
        "name": "Bad", "trigger": "sales.order_placed",
        "conditions": [{"on": "event", "field": "colour", "op": "eq", "value": "red"}],
        "actions": [{"type": "add_tag", "tags": ["x"]}]})
    assert bad.status_code == 422 and "field" in bad.json()["errors"]["conditions"]["0"]
    assert rep.get(RULES).status_code == 403
    catalogue = marketer.ok("GET", "marketing/automation/catalogue")
    assert "sales.target_at_risk" in {t["trigger"] for t in catalogue["triggers"]}


def test_the_shipped_examples_wait_disabled_with_their_templates(admin):
    marketer = admin.create_user("marketer")
    examples = {rule["trigger"]: rule for rule in marketer.list_all(RULES)
                if rule["created_by"] == "system"}
    assert set(examples) == {"sales.order_placed", "sales.target_at_risk"}
    for rule in examples.values():
        assert (rule["enabled"], rule["runnable"]) == (False, True)
        (action,) = rule["actions"]
        assert marketer.ok("GET", f"marketing/templates/{action['template_id']}")["name"]
