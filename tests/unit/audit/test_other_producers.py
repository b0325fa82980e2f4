"""The trail of the service desk's, marketing's, procurement's and webhooks' records (issue 10
§10: every producer's records, not only identity's, customers' and sales'), each read as its
producer lets it be read: tickets by the team's agents, the assignee, support managers and the
reps who see the customer; campaigns, segments and templates by marketers and managers;
suppliers by buyers and managers; purchase requests by their requester, the requester's team
manager and buyers, their contracts and orders by those who see the request."""
import pytest

from services.audit import queries
from services.chassis import inbox
from services.chassis.auth import Principal
from tests.unit.audit.support import SUBSCRIPTIONS, T0, Log, audit_db, customer, user

ADMIN = Principal("u-admin", "admin")
REP1 = Principal("u-rep1", "sales_rep", team_id="t-1")
REP2 = Principal("u-rep2", "sales_rep", team_id="t-2")
MANAGER = Principal("u-mgr", "manager", team_id="t-1")
MARKETER = Principal("u-mkt", "marketer")
AGENT1 = Principal("u-agent1", "agent", team_id="t-support")
AGENT2 = Principal("u-agent2", "agent", team_id="t-billing")
SUPPORT = Principal("u-sup", "support_manager")
BUYER = Principal("u-buyer", "buyer")


def ticket(**changes):
    record = {"id": "tk-1", "customer_id": "c-1", "contact_id": None, "subject": "Broken",
              "category": "technical", "priority": "normal", "channel": "email",
              "team_id": "t-support", "assignee_id": None, "tags": [], "status": "new",
              "status_category": "new", "merged_into": None, "created_by": "u-agent1",
              "created_at": T0, "updated_at": T0}
    return {**record, **changes}


def campaign(**changes):
    record = {"id": "cp-1", "name": "Spring", "channel": "email", "goal_metric": "leads",
              "goal_target": "100", "currency": "EUR", "budget": "5000.00",
              "cost_total": "0.00", "starts_at": T0, "ends_at": None, "segment_ids": ["s-1"],
              "exclude_segment_ids": [], "owner_id": "u-mkt", "status": "draft",
              "previous_status": None, "changed_by": "u-mkt", "changed_at": T0}
    return {**record, **changes}


def supplier(**changes):
    record = {"id": "sp-1", "name": "Bolt & Nut", "legal_name": "Bolt & Nut GmbH",
              "tax_id": "DE1", "country": "DE", "categories": ["hardware"],
              "payment_terms_days": 30, "currency": "EUR", "status": "active",
              "possible_duplicate_of": None, "created_by": "u-buyer", "created_at": T0,
              "updated_at": T0}
    return {**record, **changes}


def request(**changes):
    record = {"id": "pr-1", "requester_id": "u-rep1", "requester_team_id": "t-1",
              "title": "Laptops", "currency": "EUR", "total": "3000.00", "status": "draft",
              "lines": [], "created_at": T0, "updated_at": T0}
    return {**record, **changes}


@pytest.fixture
def db(memory_engine):
    db = audit_db(memory_engine)
    identity, customers = Log("identity"), Log("customers")
    desk, marketing, procurement = Log("service_desk"), Log("marketing"), Log("procurement")
    webhooks = Log("webhooks")
    identity.emit("user_created", user(), actor="u-admin")
    customers.emit("customer_created", customer())
    customers.emit("customer_created", customer(id="c-2", name="Beta", owner_id="u-rep2"))
    # tickets: tk-1 of c-1 (rep1's) in t-support, tk-2 of c-2 in t-billing assigned to agent1
    desk.emit("ticket_created", ticket(), actor="u-agent1")
    desk.emit("ticket_updated", {**ticket(priority="high", subject="Broken login"),
                                 "changed": ["priority", "subject"],
                                 "changed_by": "u-agent1"}, actor="u-agent1")
    desk.emit("ticket_status_changed", {"ticket_id": "tk-1", "customer_id": "c-1",
                                        "from_status": "new", "to_status": "open",
                                        "from_category": "new", "to_category": "open",
                                        "reason": "manual", "changed_by": "u-agent1",
                                        "changed_at": T0}, actor="u-agent1")
    desk.emit("ticket_created", ticket(id="tk-2", customer_id="c-2", team_id="t-billing"),
              actor="u-agent2")
    desk.emit("ticket_assigned", {"ticket_id": "tk-2", "customer_id": "c-2",
                                  "team_id": "t-billing", "assignee_id": "u-agent1",
                                  "previous_team_id": "t-billing", "previous_assignee_id": None,
                                  "reason": "manual", "assigned_by": "u-sup",
                                  "assigned_at": T0}, actor="u-sup")
    desk.emit("ticket_replied", {"ticket_id": "tk-1", "customer_id": "c-1", "entry_id": "e-1",
                                 "author_kind": "agent", "author_id": "u-agent1",
                                 "first_response": True, "replied_at": T0}, actor="u-agent1")
    # marketing
    marketing.emit("campaign_created", campaign(), actor="u-mkt")
    marketing.emit("campaign_status_changed", campaign(status="active", previous_status="draft"),
                   actor="u-mkt")
    marketing.emit("campaign_cost_recorded", {"id": "cost-1", "campaign_id": "cp-1",
                                              "amount": "250.00", "currency": "EUR",
                                              "description": "Print", "incurred_on": T0.date(),
                                              "cost_total": "250.00", "changed_by": "u-mkt",
                                              "changed_at": T0}, actor="u-mkt")
    marketing.emit("segment_created", {"id": "s-1", "name": "North", "kind": "dynamic",
                                       "rules": {"all": []}, "include": [], "exclude": [],
                                       "changed_by": "u-mkt", "changed_at": T0}, actor="u-mkt")
    marketing.emit("segment_deleted", {"id": "s-1", "name": "North", "kind": "dynamic",
                                       "rules": {"all": []}, "include": [], "exclude": [],
                                       "changed_by": "u-mkt", "changed_at": T0}, actor="u-mkt")
    marketing.emit("email_template_created", {"id": "tp-1", "name": "Hello", "subject": "Hi",
                                              "changed_by": "u-mkt", "changed_at": T0},
                   actor="u-mkt")
    marketing.emit("email_template_updated", {"id": "tp-1", "name": "Hello", "subject": "Hi!",
                                              "changed_by": "u-mkt", "changed_at": T0},
                   actor="u-mkt")
    marketing.emit("automation_rule_created", {"id": "ar-1", "name": "Welcome",
                                               "trigger": "customer_created", "conditions": [],
                                               "actions": [], "delay_seconds": 0,
                                               "enabled": True, "changed_by": "u-mkt",
                                               "changed_at": T0}, actor="u-mkt")
    # procurement: a supplier, pr-1 by rep1 (team t-1) approved, its contract and order;
    # pr-2 by rep2 (team t-2)
    procurement.emit("supplier_created", supplier(), actor="u-buyer")
    procurement.emit("supplier_status_changed", {"supplier_id": "sp-1", "from_status": "active",
                                                 "to_status": "blocked", "reason": "fraud",
                                                 "changed_by": "u-buyer", "changed_at": T0},
                     actor="u-buyer")
    procurement.emit("supplier_flagged", {"supplier_id": "sp-1", "evaluation_id": "ev-1",
                                          "weighted_score": "1.5", "threshold": "2.0", "at": T0},
                     actor="system")
    procurement.emit("purchase_request_created", request())
    procurement.emit("purchase_request_submitted", {"request_id": "pr-1", "requester_id": "u-rep1",
                                                    "currency": "EUR", "total": "3000.00",
                                                    "steps": ["manager"], "submitted_at": T0})
    procurement.emit("purchase_request_approved", {"request_id": "pr-1", "requester_id": "u-rep1",
                                                   "currency": "EUR", "total": "3000.00",
                                                   "submitted_at": T0, "approved_at": T0},
                     actor="u-mgr")
    procurement.emit("purchase_request_created", request(id="pr-2", requester_id="u-rep2",
                                                         requester_team_id="t-2"),
                     actor="u-rep2")
    procurement.emit("purchase_contract_created", {
        "id": "pc-1", "number": "PC-1", "request_id": "pr-1", "quotation_id": "q-1",
        "supplier_id": "sp-1", "currency": "EUR", "total": "2900.00", "payment_terms_days": 30,
        "delivery_date": None, "lines": [], "created_by": "u-buyer", "created_at": T0},
        actor="u-buyer")
    procurement.emit("purchase_order_created", {
        "id": "po-1", "number": "PO-1", "contract_id": "pc-1", "request_id": "pr-1",
        "supplier_id": "sp-1", "currency": "EUR", "total": "2900.00", "status": "draft",
        "expected_on": T0.date(), "lines": [], "created_by": "u-buyer", "created_at": T0},
        actor="u-buyer")
    procurement.emit("purchase_order_status_changed", {
        "order_id": "po-1", "number": "PO-1", "supplier_id": "sp-1", "currency": "EUR",
        "total": "2900.00", "accepted_value": "0.00", "from_status": "draft",
        "to_status": "sent", "reason": None, "changed_by": "u-buyer", "changed_at": T0},
        actor="u-buyer")
    webhooks.emit("webhook_subscription_disabled", {
        "id": "wh-1", "url": "https://example.com/hook", "reason": "10 failures",
        "automatic": True, "consecutive_failures": 10, "disabled_at": T0}, actor="system")
    for log in (identity, customers, desk, marketing, procurement, webhooks):
        inbox.catch_up(db, SUBSCRIPTIONS, log.fetch, log.source)
    return db


def changes(db, principal, **query):
    with db.read_only() as session:
        return queries.list_changes(session, principal, {"limit": 100, **query})


def seen(db, principal, record_type=None):
    query = {"record_type": record_type} if record_type else {}
    return {item["record_id"] for item in changes(db, principal, **query)["items"]
            if record_type or item["record_type"] not in ("customer", "user")}


def fields_of(db, record_type, record_id):
    """(action, field, old, new, actor) newest first, as an admin reads them."""
    return [(i["action"], i["field"], i["old_value"], i["new_value"], i["actor_id"])
            for i in changes(db, ADMIN, record_type=record_type, record_id=record_id)["items"]]


def test_a_tickets_changes_field_by_field(db):
    assert fields_of(db, "ticket", "tk-1")[:3] == [
        ("changed", "status", "new", "open", "u-agent1"),
        ("changed", "priority", "normal", "high", "u-agent1"),
        ("changed", "subject", "Broken", "Broken login", "u-agent1")]
    assert fields_of(db, "ticket", "tk-1")[3][:2] == ("created", None)
    assert fields_of(db, "ticket", "tk-2")[0] == ("changed", "assignee_id", None, "u-agent1",
                                                  "u-sup")
    assert len(fields_of(db, "ticket", "tk-1")) == 4           # a reply changes no field


def test_tickets_are_read_by_the_team_the_assignee_support_managers_and_the_customers_reps(db):
    assert seen(db, AGENT1, "ticket") == {"tk-1", "tk-2"}      # its team's and assigned to it
    assert seen(db, AGENT2, "ticket") == {"tk-2"}              # its team's
    assert seen(db, SUPPORT, "ticket") == {"tk-1", "tk-2"}
    assert seen(db, REP1, "ticket") == {"tk-1"}                # the customer is theirs
    assert seen(db, MANAGER, "ticket") == {"tk-1"}
    assert seen(db, MARKETER, "ticket") == set()
    assert seen(db, BUYER, "ticket") == set()
    with db.read_only() as session:                            # on the customer's history
        history = queries.customer_history(session, REP1, "c-1", {})
    assert ("ticket", "tk-1") in {(i["record_type"], i["record_id"]) for i in history["items"]}


def test_campaigns_segments_templates_and_their_readers(db):
    assert fields_of(db, "campaign", "cp-1")[:2] == [
        ("changed", "cost_total", "0.00", "250.00", "u-mkt"),
        ("changed", "status", "draft", "active", "u-mkt")]
    assert [f[:2] for f in fields_of(db, "segment", "s-1")] == [("removed", None),
                                                                ("created", None)]
    assert fields_of(db, "email_template", "tp-1")[0] == ("changed", "subject", "Hi", "Hi!",
                                                          "u-mkt")
    for principal in (MARKETER, MANAGER):
        assert {"cp-1", "s-1", "tp-1"} <= seen(db, principal)
    assert "ar-1" in seen(db, MARKETER) and "ar-1" not in seen(db, MANAGER)  # rules: marketers
    for principal in (REP1, AGENT1, SUPPORT, BUYER):
        assert not {"cp-1", "s-1", "tp-1", "ar-1"} & seen(db, principal)


def test_suppliers_requests_contracts_orders_and_their_readers(db):
    assert fields_of(db, "supplier", "sp-1")[:2] == [
        ("changed", "flagged", False, True, "system"),
        ("changed", "status", "active", "blocked", "u-buyer")]
    assert [f[1:4] for f in fields_of(db, "purchase_request", "pr-1")[:2]] == [
        ("status", "pending_approval", "approved"), ("status", "draft", "pending_approval")]
    assert fields_of(db, "purchase_order", "po-1")[0] == ("changed", "status", "draft", "sent",
                                                          "u-buyer")
    assert len(fields_of(db, "purchase_order", "po-1")) == 2   # accepted_value did not change
    procurement = {"sp-1", "pr-1", "pr-2", "pc-1", "po-1"}
    assert seen(db, BUYER) & procurement == procurement
    assert seen(db, MANAGER) & procurement == {"sp-1", "pr-1", "pc-1", "po-1"}   # team t-1's
    assert seen(db, REP1) & procurement == {"pr-1", "pc-1"}    # own request and its contract
    assert seen(db, REP2) & procurement == {"pr-2"}
    assert seen(db, MARKETER) & procurement == set()


def test_a_webhook_subscriptions_disabling_is_admin_only(db):
    assert {f[1:4] for f in fields_of(db, "webhook_subscription", "wh-1")} == {
        ("active", None, False), ("disabled_reason", None, "10 failures")}
    for principal in (REP1, MANAGER, MARKETER, AGENT1, SUPPORT, BUYER):
        assert "wh-1" not in seen(db, principal)
