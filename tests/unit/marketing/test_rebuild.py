"""Rebuilding the audience: emptied (its copy, inbox and positions — not what marketing owns:
segments, lists, consent), the catch-up replays the producers' logs into the same profiles, and
the kept memberships come out as they were."""
from sqlalchemy import create_engine

from services.chassis import inbox
from services.chassis.auth import Principal
from services.marketing import rebuild
from services.marketing.audience import handlers
from services.marketing.segments.handlers import definitions
from services.marketing.service import MarketingService
from tests.unit.marketing.support import (Log, contact, customer, deal, evaluate_segments,
                                          marketing_db, order,
                                          updated)

MARKETER = Principal("u-mkt", "marketer")


def snapshot(db, segment_id):
    with db.read_only() as session:
        audience = handlers.list_audience(session, MARKETER, {"limit": 100})["items"]
        count = definitions.get_segment(session, MARKETER, segment_id)["member_count"]
    return audience, count


def catch_up(db, logs):
    for log in logs:
        inbox.catch_up(db, MarketingService.subscriptions,
                       lambda position, limit, log=log: [
                           e for e in log.events if e["sequence"] > position][:limit],
                       log.source)


def test_a_rebuild_replays_the_logs_into_the_same_audience(tmp_path):
    db = marketing_db(create_engine(f"sqlite:///{tmp_path / 'marketing.db'}"))
    customers, sales = Log("customers"), Log("sales")
    customers.emit("customer_created", customer())
    customers.emit("contact_added", contact())
    customers.emit("customer_updated", updated(["region"], region="south"))
    sales.emit("deal_won", deal())
    sales.emit("order_placed", order())
    catch_up(db, (customers, sales))
    with db.unit_of_work(actor="u-mkt") as uow:
        segment = definitions.create_segment(uow, MARKETER, {
            "name": "South buyers", "kind": "dynamic", "rules": [[
                {"field": "region", "op": "eq", "value": "south"},
                {"field": "lifetime_value", "op": "gte", "value": "1000", "currency": "EUR"}]]})
    evaluate_segments(db)
    before = snapshot(db, segment["id"])
    assert before[1] == 2 and len(before[0]) == 2

    with db.engine.begin() as connection:
        deleted = rebuild.reset(connection)
    assert deleted["audience_customer"] == 1 and deleted["inbox"] == 5
    assert snapshot(db, segment["id"])[0] == []
    catch_up(db, (customers, sales))
    assert snapshot(db, segment["id"]) == before
