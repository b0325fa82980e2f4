"""Quotes from a deal: lines copied or given, gapless numbers per year, validity, the
draft → sent → accepted | rejected transitions (and the illegal ones), scopes like deals, the
follow-up on sending, and the idempotent expiry timer."""
import itertools
from datetime import timedelta

import pytest

from services.chassis.errors import Conflict, Invalid, NotFound
from services.sales.documents.handlers import quotes
from services.sales.documents.models import Quote
from tests.unit.sales.support import MANAGER, REP_A, REP_B, REP_C, call, deal, events, product
from tests.unit.sales.task_support import seed_rules

_names = itertools.count(1)


def a_deal(db, principal=REP_A, price="100.00", quantity=2):
    item = product(db, f"Item {next(_names)}", price)
    return deal(db, principal, lines=[{"product_id": item["id"], "quantity": quantity}])


def quote(db, principal=REP_A, deal_id=None, **data):
    return call(db, quotes.create_quote, principal, deal_id or a_deal(db, principal)["id"], data)


def test_a_quote_copies_the_deals_lines_and_is_valid_for_the_configured_days(db, monkeypatch):
    monkeypatch.setenv("SALES_QUOTE_VALIDITY_DAYS", "10")
    source = a_deal(db, price="33.33", quantity=3)
    made = quote(db, deal_id=source["id"])
    today = quotes.today()
    assert made["number"] == f"Q-{today.year}-00001"
    assert (made["status"], made["total"], made["currency"], made["owner_id"]) == (
        "draft", "99.99", "USD", REP_A.user_id)
    assert made["valid_until"] == (today + timedelta(days=10)).isoformat()
    assert [(line["quantity"], line["unit_price"], line["total"]) for line in made["lines"]] == [
        (3, "33.33", "99.99")]
    [(_, payload)] = events(db, "quote_created")
    assert payload["number"] == made["number"] and payload["status"] == "draft"
    assert payload["lines"][0]["total"] == "99.99" and payload["changed_by"] == REP_A.user_id
    assert quote(db, deal_id=source["id"])["number"] == f"Q-{today.year}-00002"


def test_given_lines_replace_the_deals_and_bad_input_changes_nothing(db):
    source = a_deal(db)
    other = product(db, "Other", "5.00")
    made = quote(db, deal_id=source["id"], lines=[{"product_id": other["id"], "quantity": 4,
                                                   "discount_percent": "50"}])
    assert made["total"] == "10.00" and made["lines"][0]["product_name"] == "Other"
    with pytest.raises(Invalid):
        quote(db, deal_id=source["id"], lines=[{"product_id": "nope", "quantity": 1}])
    with pytest.raises(Invalid):
        quote(db, deal_id=source["id"], valid_until="2000-01-01")
    empty = deal(db, REP_A)
    with pytest.raises(Invalid):
        quote(db, deal_id=empty["id"])
    assert len(events(db, "quote_created")) == 1
    with db.read_only() as session:
        assert session.query(Quote).count() == 1
    assert quote(db, deal_id=source["id"])["number"].endswith("-00002")   # no gap


def test_scopes_follow_the_deal(db):
    source = a_deal(db, REP_A)
    for outsider in (REP_B, REP_C):
        with pytest.raises(NotFound):
            quote(db, outsider, deal_id=source["id"])
    made = quote(db, MANAGER, deal_id=source["id"])
    assert made["owner_id"] == REP_A.user_id
    with pytest.raises(NotFound):
        call(db, quotes.get_quote, REP_B, made["id"], write=False)
    assert call(db, quotes.get_quote, MANAGER, made["id"], write=False)["id"] == made["id"]
    assert call(db, quotes.list_quotes, REP_B, {}, write=False)["items"] == []
    listed = call(db, quotes.list_quotes, REP_A, {"deal_id": source["id"], "status": "draft"},
                  write=False)["items"]
    assert [q["id"] for q in listed] == [made["id"]]
    assert call(db, quotes.list_quotes, REP_A, {"status": "sent"}, write=False)["items"] == []


def test_transitions_and_the_illegal_ones(db):
    seed_rules(db)
    made = quote(db)
    edited = call(db, quotes.update_quote, REP_A, made["id"], {"valid_until": (
        quotes.today() + timedelta(days=3)).isoformat()})
    assert edited["valid_until"] == (quotes.today() + timedelta(days=3)).isoformat()
    for illegal in (quotes.accept_quote, quotes.reject_quote):
        with pytest.raises(Conflict):
            call(db, illegal, REP_A, made["id"])
    sent = call(db, quotes.send_quote, REP_A, made["id"])
    assert sent["status"] == "sent" and sent["sent_at"]
    [(_, payload)] = events(db, "quote_sent")
    assert payload["sent_at"] == sent["sent_at"]
    [(_, task)] = events(db, "task_created")             # the follow-up, same transaction
    assert (task["origin"], task["deal_id"], task["assignee_id"]) == (
        "quote_follow_up", made["deal_id"], REP_A.user_id)
    with pytest.raises(Conflict):
        call(db, quotes.update_quote, REP_A, made["id"], {"valid_until": None})
    with pytest.raises(Conflict):
        call(db, quotes.send_quote, REP_A, made["id"])
    accepted = call(db, quotes.accept_quote, REP_A, made["id"])
    assert accepted["status"] == "accepted" and accepted["decided_at"]
    with pytest.raises(Conflict):
        call(db, quotes.reject_quote, REP_A, made["id"])
    other = quote(db)
    call(db, quotes.send_quote, REP_A, other["id"])
    assert call(db, quotes.reject_quote, REP_A, other["id"])["status"] == "rejected"
    assert [p["status"] for _, p in events(db, "quote_accepted")] == ["accepted"]
    assert [p["status"] for _, p in events(db, "quote_rejected")] == ["rejected"]


def test_expiry_happens_once_and_an_expired_quote_cannot_be_accepted(db):
    sent = quote(db)
    call(db, quotes.send_quote, REP_A, sent["id"])
    draft = quote(db)
    later = quotes.today() + timedelta(days=31)
    assert quotes.expire_quotes(db, on=quotes.today()) == 0        # still valid today
    assert quotes.expire_quotes(db, on=later) == 1
    assert quotes.expire_quotes(db, on=later) == 0                 # idempotent
    [(_, payload)] = events(db, "quote_expired")
    assert payload["id"] == sent["id"] and payload["status"] == "expired"
    assert call(db, quotes.get_quote, REP_A, draft["id"], write=False)["status"] == "draft"
    with pytest.raises(Conflict) as refused:
        call(db, quotes.accept_quote, REP_A, sent["id"])
    assert refused.value.details["status"] == "expired"


def test_a_sent_quote_past_its_date_is_refused_before_the_timer_runs(db):
    made = quote(db)
    call(db, quotes.send_quote, REP_A, made["id"])
    with db.unit_of_work() as uow:
        uow.session.get(Quote, made["id"]).valid_until = quotes.today() - timedelta(days=1)
    with pytest.raises(Conflict):
        call(db, quotes.accept_quote, REP_A, made["id"])
    assert events(db, "quote_accepted") == []
