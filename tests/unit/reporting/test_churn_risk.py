"""Churn risk on hand-checked data (a fixed clock): each factor's points, the score, the scope,
bad queries, and the crossing rule of the risk pass (customer_at_risk once per crossing)."""
import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from services.chassis.auth import Principal
from services.chassis.errors import Invalid
from services.chassis.models import OutboxEvent
from services.reporting.domains import METADATA
from services.reporting.domains.analytics.risk import crossing, factors
from services.reporting.domains.analytics.risk.report import churn_risk
from services.reporting.domains.service_desk.models import (SurveyFact, TicketBreachFact,
                                                            TicketFact)
from services.reporting.events import EVENT_SCHEMAS
from tests.unit.chassis.fakes import make_db
from tests.unit.reporting.support import apply

NOW = datetime(2025, 12, 10, 9, 0, tzinfo=timezone.utc)      # as_of 2025-12-10: cut-off Dec 11
ADMIN = Principal("u-admin", "admin")
REP_A = Principal("u-a", "sales_rep", team_id="t1")
MANAGER = Principal("u-m", "manager", team_id="t1")


def at(month, day, year=2025):
    return datetime(year, month, day, tzinfo=timezone.utc)


@pytest.fixture
def db(memory_engine):
    return make_db(memory_engine, METADATA, source="reporting", event_schemas=EVENT_SCHEMAS)


@pytest.fixture
def story(db, customers, sales, identity):
    """c1 (u-a): 4 wins of 100.00 in the year before the last 90 days and none since, last
    contacted 60 days before the cut-off, 1 open ticket, 1 breached, CSAT 50 and 30, 1 deal lost
    recently. c2 (u-b): 2 earlier wins, a bigger recent one, never contacted, a customer for 272
    days. c3 merged. u-x is in another team."""
    events = [identity.user("u-a", team_id="t1"), identity.user("u-b", team_id="t1"),
              identity.user("u-x", team_id="t2"), identity.user("u-m", "manager", team_id="t1")]
    for customer, owner in (("c1", "u-a"), ("c2", "u-b"), ("c3", "u-a"), ("c4", "u-x")):
        events.append(customers.create(customer, owner_id=owner, created_at=at(3, 14)))
    events.append(customers.merge("c1", "c3"))
    for number, month in enumerate((1, 3, 5, 7)):
        events += sales.create(f"w{number}", "u-a", customer_id="c1", created_at=at(month, 1))
        events += sales.move(f"w{number}", "won", at(month, 15))
    events += sales.create("l1", "u-a", customer_id="c1", created_at=at(11, 1))
    events += sales.move("l1", "lost", at(11, 20), "price")
    for deal, month, amount in (("b1", 3, "100.00"), ("b2", 6, "100.00"), ("b3", 11, "300.00")):
        events += sales.create(deal, "u-b", amount, customer_id="c2", created_at=at(month, 1))
        events += sales.move(deal, "won", at(month, 1))
    events.append(customers.interaction("u-a", occurred_at=at(10, 12), customer_id="c1"))
    events.append(customers.interaction("u-a", occurred_at=at(12, 20), customer_id="c1"))  # after
    apply(db, *events)
    with db.unit_of_work() as uow:
        for ticket, status in (("t1", "open"), ("t2", "resolved")):
            uow.session.add(TicketFact(id=ticket, customer_id="c1", status_category=status,
                                       created_at=at(10, 1)))
        uow.session.add(TicketBreachFact(ticket_id="t2", target="resolution", due_at=at(11, 1)))
        for survey, score in (("s1", 50), ("s2", 30)):
            uow.session.add(SurveyFact(id=survey, ticket_id="t2", score=score,
                                       answered_at=at(11, 5)))
    return db


def run(db, principal, **query):
    with db.read_only() as session:
        return churn_risk(session, principal, query, now=NOW)


def test_each_factor_and_the_score_on_hand_checked_data(story):
    report = run(story, ADMIN)
    assert report["as_of"] == "2025-12-10" and report["total"] == 3     # c3 merged
    rows = {row["customer_id"]: row for row in report["rows"]}
    points = {f["factor"]: f["points"] for f in rows["c1"]["factors"]}
    # no purchase against 4 × 90 / 365 expected: all of both; 60 days: 20 × 30 / 150;
    # CSAT 40: 10 × 40 / 60; one each of open, breached, lost: half of 10
    assert points == {"purchase_frequency": 25.0, "purchase_value": 15.0,
                      "no_recent_contact": 4.0, "open_tickets": 5.0, "breached_tickets": 5.0,
                      "low_satisfaction": 6.7, "lost_deals": 5.0}
    assert rows["c1"]["score"] == 66 and rows["c1"]["owner_name"] == "Name u-a"
    words = {f["factor"]: f["detail"] for f in rows["c1"]["factors"]}
    assert words["no_recent_contact"] == "last interaction 60 days ago"
    assert words["purchase_frequency"].startswith("0 purchase(s) in the last 90 days against 1.0")
    c2 = {f["factor"]: f["points"] for f in rows["c2"]["factors"]}
    assert c2["purchase_frequency"] == c2["purchase_value"] == 0.0     # it buys more now
    assert c2["no_recent_contact"] == 20.0 and rows["c2"]["score"] == 20
    assert [row["customer_id"] for row in report["rows"]][:2] == ["c1", "c2"]   # highest first
    assert report["at_risk"] == 0            # the default threshold is 70


def test_as_of_scores_the_past(story):
    rows = {r["customer_id"]: r for r in run(story, ADMIN, as_of="2025-08-01")["rows"]}
    points = {f["factor"]: f["points"] for f in rows["c1"]["factors"]}
    assert points["purchase_frequency"] == 0.0          # July's win is recent then
    assert points["open_tickets"] == 0.0                # created in October


def test_scope_filters_and_paging(story):
    assert [r["customer_id"] for r in run(story, REP_A)["rows"]] == ["c1"]
    assert {r["customer_id"] for r in run(story, MANAGER)["rows"]} == {"c1", "c2"}
    assert [r["customer_id"] for r in run(story, ADMIN, min_score=50)["rows"]] == ["c1"]
    assert [r["customer_id"] for r in run(story, MANAGER, owner_id="u-b")["rows"]] == ["c2"]
    page = run(story, ADMIN, limit=1, offset=1)
    assert page["total"] == 3 and [r["customer_id"] for r in page["rows"]] == ["c2"]


@pytest.mark.parametrize("query, field", [({"min_score": 101}, "min_score"),
                                          ({"as_of": "2025-13-01"}, "as_of"),
                                          ({"tz": "Mars/Base"}, "tz"), ({"limit": 0}, "limit"),
                                          ({"sort": "x"}, "sort")])
def test_bad_queries_are_refused_precisely(story, query, field):
    with pytest.raises(Invalid) as error:
        run(story, ADMIN, **query)
    assert field in error.value.details


def test_the_crossing_rule():
    assert crossing.crossing(False, 70, 70) == crossing.UP
    assert crossing.crossing(True, 95, 70) is None          # stays above: nothing new
    assert crossing.crossing(True, 69, 70) == crossing.DOWN
    assert crossing.crossing(False, 10, 70) is None


def test_a_signal_free_customer_scores_zero():
    total, explained = factors.score(factors.Signals())
    assert total == 0 and all(f["points"] == 0 for f in explained)
    assert sum(f["max_points"] for f in explained) == 100


def published(db):
    with db.read_only() as session:
        return [json.loads(row.payload) for row in session.scalars(
            select(OutboxEvent).where(OutboxEvent.event_type == "customer_at_risk"))]


def test_the_pass_publishes_once_per_crossing(story):
    assert crossing.evaluate(story, now=NOW, threshold=60) == 1
    (event,) = published(story)
    assert (event["customer_id"], event["owner_id"], event["score"]) == ("c1", "u-a", 66)
    assert event["as_of"] == date(2025, 12, 10).isoformat() and len(event["factors"]) == 7
    assert crossing.evaluate(story, now=NOW, threshold=60) == 0      # still above: no repeat
    assert crossing.evaluate(story, now=NOW, threshold=70) == 0      # below now
    assert crossing.evaluate(story, now=NOW, threshold=60) == 1      # crosses again
    assert len(published(story)) == 2
