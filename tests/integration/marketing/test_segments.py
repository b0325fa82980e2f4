"""Segments kept up to date by real events over RabbitMQ: a burst of one customer's changes,
each its own message and handled concurrently by the live workers, leaves exactly the
membership its last state gives, and the kept count equals the member rows (SQLite and
PostgreSQL: the per-customer lock, ON CONFLICT inserts and atomic counts under concurrency)."""
import pytest
from sqlalchemy import func, select

from services.chassis.auth import Principal
from services.chassis.models import InboxEvent
from services.marketing.segments.models import SegmentMember
from tests.helpers import wait_until
from tests.integration.marketing.conftest import call, evaluated
from tests.integration.marketing.test_audience import db_of
from tests.unit.marketing.support import contact, customer, updated

MARKETER = Principal("u-mkt", "marketer")


def members(marketing, segment_id):
    page = call(marketing, "list_segment_members", segment_id, {"limit": 100},
                principal=MARKETER)
    return sorted(m["id"] for m in page["items"])


@pytest.mark.dialect_sensitive("the customer row lock, ON CONFLICT member inserts and the "
                               "atomic count under concurrent live workers")
def test_a_burst_of_changes_ends_in_the_membership_of_the_last_state(producers, marketing):
    marketing.start()
    call(producers["customers"], "publish", [("customer_created", customer()),
                                             ("contact_added", contact())])
    wait_until(lambda: len(call(marketing, "list_audience", {}, principal=MARKETER)["items"])
               == 2, message="the customer and its contact")
    north = call(marketing, "create_segment", {
        "name": "North", "kind": "dynamic",
        "rules": [[{"field": "region", "op": "eq", "value": "north"}]]}, principal=MARKETER)
    tagged = call(marketing, "create_segment", {
        "name": "Tagged", "kind": "dynamic",
        "rules": [[{"field": "tags", "op": "all", "value": ["t-29"]}]]}, principal=MARKETER)
    north, tagged = (evaluated(marketing, segment["id"], MARKETER) for segment in (north, tagged))
    assert (north["member_count"], members(marketing, north["id"])) == (2, ["c-1", "ct-1"])
    for n in range(30):                     # each change its own message, as fast as they go
        region = "north" if n % 2 else "south"
        call(producers["customers"], "publish", [
            ("customer_updated", updated(["region"], region=region)),
            ("customer_tagged", {"customer_id": "c-1", "tags": [f"t-{n}"], "added": [f"t-{n}"],
                                 "removed": [f"t-{n - 1}"]})])

    def applied():
        with db_of(marketing).read_only() as session:
            return session.scalar(select(func.count()).select_from(InboxEvent))
    wait_until(lambda: applied() == 2 + 60, timeout=30, message="every event applied")
    assert members(marketing, north["id"]) == ["c-1", "ct-1"]           # the last state:
    assert members(marketing, tagged["id"]) == ["c-1", "ct-1"]          # north, tag t-29
    with db_of(marketing).read_only() as session:
        rows = dict(session.execute(select(SegmentMember.segment_id, func.count())
                                    .group_by(SegmentMember.segment_id)).all())
    for segment in (north, tagged):
        kept = call(marketing, "get_segment", segment["id"], principal=MARKETER)["member_count"]
        assert kept == rows[segment["id"]] == 2
