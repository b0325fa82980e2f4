"""reconcile_deal_history: every deal's lines and stage changes in order, keyset pages by id,
stamped with the event sequence; bad paging refused."""
import pytest

from services.chassis.errors import Invalid
from services.sales.deals.handlers import moves
from services.sales.deals.handlers import reconcile as reconcile_history
from tests.unit.sales.support import REP_A, REP_C, call, deal, product


def history(db, cursor=None, limit=500):
    with db.read_only() as session:
        return reconcile_history.deal_history(session, cursor, limit)


def test_lines_and_stage_changes_of_every_deal_in_pages(db):
    gtx = product(db)
    mg = product(db, name="MG Special", price="55.00")
    first = deal(db, REP_A, lines=[{"product_id": gtx["id"], "quantity": 2},
                                   {"product_id": mg["id"], "quantity": 1}])
    second = deal(db, REP_C)
    call(db, moves.move_deal, REP_A, first["id"], {"stage": "proposal"})
    call(db, moves.move_deal, REP_A, first["id"], {"stage": "won"})
    page = history(db, limit=1)
    items = page["items"]
    assert len(items) == 1 and page["next_cursor"] and page["sequence"] > 0
    rest = history(db, page["next_cursor"], 1)
    assert rest["next_cursor"] is None
    found = {item["id"]: item for item in items + rest["items"]}
    assert set(found) == {first["id"], second["id"]}
    mine = found[first["id"]]
    assert [(line["product_name"], line["total"]) for line in mine["lines"]] == [
        ("GTX Pro", "9642.00"), ("MG Special", "55.00")]
    assert [(s["from_stage"], s["to_stage"]) for s in mine["stages"]] == [
        (None, "initial_contact"), ("initial_contact", "proposal"), ("proposal", "won")]
    assert found[second["id"]]["lines"] == []


@pytest.mark.parametrize("cursor,limit", [(None, 0), (None, 1001), (7, 10), ("nonsense", 10)])
def test_bad_paging_is_refused(db, cursor, limit):
    with pytest.raises(Invalid):
        history(db, cursor, limit)
