"""Reading the trail: scoped like the records, per record, per customer, per user, in a time
range, newest first in keyset pages."""
from datetime import timedelta

import pytest

from services.audit import queries
from services.chassis import inbox
from services.chassis.auth import Principal
from services.chassis.errors import Invalid, NotFound
from tests.unit.audit.support import SUBSCRIPTIONS, T0, Log, audit_db, customer, deal, user

ADMIN = Principal("u-admin", "admin")
REP1 = Principal("u-rep1", "sales_rep", team_id="t-1")
REP2 = Principal("u-rep2", "sales_rep", team_id="t-2")
MANAGER = Principal("u-mgr", "manager", team_id="t-1")
MARKETER = Principal("u-mkt", "marketer")


@pytest.fixture
def db(memory_engine):
    db = audit_db(memory_engine)
    identity, customers, sales = Log("identity"), Log("customers"), Log("sales")
    identity.emit("user_created", user(), actor="u-admin")
    identity.emit("user_created", user(id="u-rep2", email="rep2@example.com", name="Ray Rep",
                                       team_id="t-2"), actor="u-admin")
    customers.emit("customer_created", customer())
    customers.emit("customer_updated", {**customer(name="Acme Ltd"), "changed": ["name"]})
    customers.emit("contact_added", {"id": "k-1", "customer_id": "c-1", "name": "Kim",
                                     "role": None, "birthday": None, "owner_id": "u-rep1",
                                     "created_at": T0})
    customers.emit("customer_created", customer(id="c-2", name="Beta", owner_id="u-rep2"),
                   actor="u-rep2")
    sales.emit("deal_created", deal())
    sales.emit("pipeline_stage_updated", {"key": "proposal", "name": "Proposal",
                                          "probability": 72, "position": 3, "kind": "open",
                                          "active": True, "changed": ["probability"],
                                          "changed_by": "u-admin", "changed_at": T0},
               actor="u-admin")
    sales.emit("target_set", {"id": "tg-1", "period_kind": "month", "period_start": T0.date(),
                              "period_end": T0.date(), "scope": "rep", "scope_value": "u-rep1",
                              "measure": "won_revenue", "amount": "100.00", "currency": "EUR",
                              "parent_id": None, "set_by": "u-mgr", "set_at": T0},
               actor="u-mgr")
    for log in (identity, customers, sales):
        inbox.catch_up(db, SUBSCRIPTIONS, log.fetch, log.source)
    return db


def changes(db, principal, **query):
    with db.read_only() as session:
        return queries.list_changes(session, principal, query)


def records(page):
    return [(item["record_type"], item["record_id"]) for item in page["items"]]


def test_a_rep_reads_the_history_of_the_records_they_own_only(db):
    assert set(records(changes(db, REP1))) == {("customer", "c-1"), ("contact", "k-1"),
                                               ("deal", "d-1"), ("target", "tg-1")}
    assert records(changes(db, REP2)) == [("customer", "c-2")]
    assert changes(db, REP2, record_type="customer", record_id="c-1")["items"] == []


def test_a_manager_reads_the_team_an_admin_everything_people_and_configuration_admin_only(db):
    assert ("customer", "c-2") not in records(changes(db, MANAGER))
    assert ("customer", "c-1") in records(changes(db, MANAGER))
    everything = set(records(changes(db, ADMIN, limit=100)))
    assert {("user", "u-rep1"), ("pipeline_stage", "proposal"), ("customer", "c-2")} <= everything
    for principal in (REP1, MANAGER, MARKETER):
        seen = {record_type for record_type, _id in records(changes(db, principal, limit=100))}
        assert not seen & {"user", "pipeline_stage", "product"}


def test_one_record_newest_first_with_the_actor_named(db):
    page = changes(db, REP1, record_type="customer", record_id="c-1")
    assert [(i["action"], i["field"]) for i in page["items"]] == [("changed", "name"),
                                                                 ("created", None)]
    first = page["items"][0]
    assert (first["old_value"], first["new_value"], first["old_known"]) == ("Acme", "Acme Ltd", True)
    assert (first["actor_id"], first["actor_name"]) == ("u-rep1", "Rita Rep")
    stage = changes(db, ADMIN, record_type="pipeline_stage")["items"][0]
    assert (stage["field"], stage["old_known"], stage["new_value"]) == ("probability", False, 72)


def test_per_user_and_time_range_and_pages(db):
    by_rep2 = changes(db, ADMIN, actor_id="u-rep2")
    assert records(by_rep2) == [("customer", "c-2")]
    assert changes(db, REP1, actor_id="u-rep2")["items"] == []      # not theirs to see
    all_items = changes(db, ADMIN, limit=100)["items"]
    pages, cursor = [], None
    while True:
        page = changes(db, ADMIN, limit=2, cursor=cursor)
        pages.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == all_items
    assert [i["occurred_at"] for i in pages] == sorted((i["occurred_at"] for i in pages),
                                                       reverse=True)
    since = (T0 + timedelta(minutes=2)).isoformat()
    until = (T0 + timedelta(minutes=3)).isoformat()
    window = changes(db, ADMIN, since=since, until=until, limit=100)["items"]
    assert window and all(since <= i["occurred_at"] < until for i in window)


def test_a_customers_history_holds_its_contacts_and_deals(db):
    with db.read_only() as session:
        page = queries.customer_history(session, REP1, "c-1", {})
        assert set(records(page)) == {("customer", "c-1"), ("contact", "k-1"), ("deal", "d-1")}
        with pytest.raises(NotFound):
            queries.customer_history(session, REP2, "c-1", {})
        with pytest.raises(NotFound):
            queries.customer_history(session, ADMIN, "c-404", {})


@pytest.mark.parametrize("query", [{"record_id": "c-1"}, {"record_type": "planet"},
                                   {"limit": 0}, {"since": "2026-03-02T10:00:00+00:00",
                                                  "until": "2026-03-02T09:00:00+00:00"},
                                   {"cursor": "forged"}, {"colour": "red"}])
def test_a_bad_query_is_invalid(db, query):
    with pytest.raises(Invalid):
        changes(db, ADMIN, **query)


def test_a_customers_contacts_follow_its_new_owner(memory_engine):
    db = audit_db(memory_engine)
    log = Log("customers")
    log.emit("customer_created", customer())
    log.emit("contact_added", {"id": "k-1", "customer_id": "c-1", "name": "Kim", "role": None,
                               "birthday": None, "owner_id": "u-rep1", "created_at": T0})
    log.emit("customer_assigned", {"id": "c-1", "owner_id": "u-rep2",
                                   "previous_owner_id": "u-rep1", "region": "north",
                                   "reason": "manual", "assigned_by": "u-mgr"}, actor="u-mgr")
    assert inbox.consume_all(db, SUBSCRIPTIONS, log.events) == [inbox.PROCESSED] * 3
    assert set(records(changes(db, REP2))) == {("customer", "c-1"), ("contact", "k-1")}
    assert changes(db, REP1)["items"] == []


def test_a_deals_documents_follow_its_new_owner(memory_engine):
    db = audit_db(memory_engine)
    log = Log("sales")
    log.emit("deal_created", deal())
    log.emit("quote_created", {"id": "q-1", "number": "Q-2026-00001", "deal_id": "d-1",
                               "customer_id": "c-1", "owner_id": "u-rep1", "status": "draft",
                               "total": "1000.00", "currency": "EUR", "valid_until": T0.date(),
                               "lines": [], "created_at": T0, "sent_at": None,
                               "decided_at": None, "changed_by": "u-rep1", "changed_at": T0})
    log.emit("deal_updated", {**deal(owner_id="u-rep2"), "changed": ["owner_id"]},
             actor="u-mgr")
    assert inbox.consume_all(db, SUBSCRIPTIONS, log.events) == [inbox.PROCESSED] * 3
    assert set(records(changes(db, REP2))) == {("deal", "d-1"), ("quote", "q-1")}
    assert changes(db, REP1)["items"] == []
