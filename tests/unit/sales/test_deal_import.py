"""The bulk deal import: history at business times, the live events, idempotency, per-row
refusals that change nothing, open deals without a customer."""
import pytest

from services.chassis.errors import Conflict, Invalid
from services.sales.deals.handlers import deals, moves
from services.sales.imports import handlers as deal_import
from tests.unit.sales.support import ADMIN, REP_A, call, events, product

CUSTOMERS = {"c-1": "c-1", "c-merged": "c-winner"}


def run(db, rows, customers=CUSTOMERS):
    return call(db, deal_import.import_deals, ADMIN, {"rows": rows}, customers)


def row(product_id, ref="OPP-1", **extra):
    data = {"external_ref": ref, "name": f"Deal {ref}", "customer_id": "c-1",
            "owner_id": "u-rep-a", "currency": "USD",
            "lines": [{"product_id": product_id, "quantity": 1, "unit_price": "4514.00"}],
            "history": [{"stage": "initial_contact", "at": "2016-10-25T12:00:00Z"},
                        {"stage": "needs_analysis", "at": "2016-10-25T12:00:00Z"},
                        {"stage": "won", "at": "2017-03-11T12:00:00Z"}]}
    data.update(extra)
    return data


def test_a_won_deal_is_replayed_at_its_business_times_with_the_live_events(db):
    gtx = product(db)
    result = run(db, [row(gtx["id"])])
    assert (result["created"], result["already_imported"], result["rejected"]) == (1, 0, 0)
    deal_id = result["results"][0]["deal_id"]
    found = call(db, deals.get_deal, ADMIN, deal_id, write=False)
    assert (found["stage"], found["amount"], found["owner_id"]) == ("won", "4514.00", "u-rep-a")
    assert (found["created_at"], found["closed_at"]) == ("2016-10-25T12:00:00+00:00",
                                                         "2017-03-11T12:00:00+00:00")
    history = call(db, deals.stage_history, ADMIN, deal_id, write=False)
    assert [(h["from_stage"], h["to_stage"], h["changed_at"][:10]) for h in history] == [
        (None, "initial_contact", "2016-10-25"), ("initial_contact", "needs_analysis", "2016-10-25"),
        ("needs_analysis", "won", "2017-03-11")]
    assert [name for name, _ in events(db) if name.startswith("deal_")] == [
        "deal_created", "deal_stage_changed", "deal_stage_changed", "deal_won"]
    created = events(db, "deal_created")[0][1]
    assert (created["created_at"], created["stage"], created["amount"]) == (
        "2016-10-25T12:00:00+00:00", "initial_contact", "4514.00")
    assert [p["changed_at"] for _, p in events(db, "deal_stage_changed")] == [
        "2016-10-25T12:00:00+00:00", "2017-03-11T12:00:00+00:00"]
    won = events(db, "deal_won")[0][1]
    assert (won["closed_at"], won["amount"], won["customer_id"]) == (
        "2017-03-11T12:00:00+00:00", "4514.00", "c-1")


def test_re_running_changes_nothing_and_says_already_imported(db):
    gtx = product(db)
    first = run(db, [row(gtx["id"])])
    before = len(events(db))
    again = run(db, [row(gtx["id"]), row(gtx["id"])])
    assert [r["status"] for r in again["results"]] == ["already_imported"] * 2
    assert {r["deal_id"] for r in again["results"]} == {first["results"][0]["deal_id"]}
    assert {r["imported_at"] for r in again["results"]} == {first["results"][0]["imported_at"]}
    assert len(events(db)) == before


def test_the_same_ref_twice_in_one_batch_is_created_once(db):
    gtx = product(db)
    result = run(db, [row(gtx["id"]), row(gtx["id"])])
    assert [r["status"] for r in result["results"]] == ["created", "already_imported"]
    assert len(events(db, "deal_created")) == 1


@pytest.mark.parametrize("change, field", [
    ({"customer_id": "c-unknown"}, "customer_id"),
    ({"owner_id": "u-marketer"}, "owner_id"),
    ({"owner_id": "u-nobody"}, "owner_id"),
    ({"lines": [{"product_id": "p-none", "quantity": 1}]}, "lines"),
    ({"history": [{"stage": "won", "at": "2017-01-01T00:00:00Z"}]}, "history"),
    ({"history": [{"stage": "initial_contact", "at": "2017-01-02T00:00:00Z"},
                  {"stage": "won", "at": "2017-01-01T00:00:00Z"}]}, "history"),
    ({"history": [{"stage": "initial_contact", "at": "2999-01-01T00:00:00Z"}]}, "history"),
    ({"history": [{"stage": "initial_contact"}, {"stage": "nowhere"}]}, "history"),
    ({"history": [{"stage": "initial_contact"}, {"stage": "lost"}]}, "lost_reason"),
    ({"history": [{"stage": "initial_contact"}, {"stage": "lost"}, {"stage": "won"}]}, "history"),
    ({"customer_id": None}, "customer_id"),              # a won deal needs a customer
    ({"external_ref": ""}, "external_ref"),
    ({"unexpected": 1}, "unexpected"),
])
def test_a_bad_row_is_rejected_with_its_field_and_the_others_go_in(db, change, field):
    gtx = product(db)
    result = run(db, [row(gtx["id"], ref="BAD", **change), row(gtx["id"], ref="GOOD")])
    bad, good = result["results"]
    assert bad["status"] == "rejected" and field in bad["errors"], bad
    assert good["status"] == "created"
    assert len(events(db, "deal_created")) == 1
    assert (result["created"], result["rejected"]) == (1, 1)


def test_an_open_deal_may_come_without_a_customer_but_cannot_be_won(db):
    gtx = product(db)
    result = run(db, [row(gtx["id"], customer_id=None, history=[
        {"stage": "initial_contact", "at": "2017-05-01T12:00:00Z"},
        {"stage": "needs_analysis", "at": "2017-05-01T12:00:00Z"}])])
    deal_id = result["results"][0]["deal_id"]
    found = call(db, deals.get_deal, REP_A, deal_id, write=False)
    assert (found["stage"], found["customer_id"]) == ("needs_analysis", None)
    assert events(db, "deal_created")[0][1]["customer_id"] is None
    with pytest.raises(Conflict):
        call(db, moves.move_deal, REP_A, deal_id, {"stage": "won"})
    lost = call(db, moves.move_deal, REP_A, deal_id, {"stage": "lost", "lost_reason": "No account"})
    assert lost["stage"] == "lost"


def test_a_merged_customer_is_imported_under_its_winner_and_no_time_means_now(db):
    gtx = product(db)
    result = run(db, [row(gtx["id"], customer_id="c-merged", history=[{"stage": "initial_contact"}])])
    found = call(db, deals.get_deal, ADMIN, result["results"][0]["deal_id"], write=False)
    assert found["customer_id"] == "c-winner" and found["created_at"] > "2026"


def test_the_batch_itself_must_be_a_list_of_1_to_500_rows(db):
    for body in ({}, {"rows": []}, {"rows": [{}] * 501}, {"rows": "x"}):
        with pytest.raises(Invalid):
            call(db, deal_import.import_deals, ADMIN, body, {})


def test_customer_ids_lists_the_distinct_well_formed_ids_only():
    data = {"rows": [{"customer_id": "b"}, {"customer_id": "a"}, {"customer_id": "b"},
                     {"customer_id": None}, {"customer_id": 3}, "junk", {"customer_id": "x" * 37}]}
    assert deal_import.customer_ids(data) == ["a", "b"]
    assert deal_import.customer_ids(None) == []
