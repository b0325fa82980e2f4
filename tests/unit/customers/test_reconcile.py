"""The data reporting reconciles against: per-customer facts and interaction counts, in pages
stamped with the event sequence."""
import pytest

from services.chassis.errors import Invalid
from services.customers.handlers import interactions, merge, reconcile
from tests.unit.customers.support import ADMIN, REP_A, REP_B, call, create


def all_pages(db, function, limit):
    items, stamps, cursor = [], set(), None
    while True:
        with db.read_only() as session:
            page = function(session, cursor, limit)
        items.extend(page["items"])
        stamps.add(page["sequence"])
        cursor = page["next_cursor"]
        if not cursor:
            return items, stamps


def test_customer_facts_page_through_every_customer_with_merges_marked(people):
    ids = [create(people, ADMIN, name=f"Acme {n}", region="EU", value_class="A",
                  industry="Tech", owner_id=REP_A.user_id)["id"] for n in range(5)]
    call(people, merge.merge_customers, ADMIN, ids[0], ids[1])
    items, stamps = all_pages(people, reconcile.customer_facts, 2)
    assert sorted(item["id"] for item in items) == sorted(ids)
    assert len(stamps) == 1 and stamps.pop() > 0            # nothing written between pages
    by_id = {item["id"]: item for item in items}
    assert by_id[ids[1]]["merged"] is True and by_id[ids[0]]["merged"] is False
    assert by_id[ids[2]] == {
        "id": ids[2], "lifecycle_stage": "lead", "region": "EU", "value_class": "A",
        "industry": "Tech", "owner_id": REP_A.user_id, "merged": False,
        "created_at": by_id[ids[2]]["created_at"]}
    assert by_id[ids[2]]["created_at"].endswith("+00:00")


def test_interaction_counts_by_rep_kind_and_utc_day(people):
    mine = create(people, REP_A, name="Mine")["id"]
    theirs = create(people, REP_B, name="Theirs")["id"]
    for principal, customer, kind, when in [
            (REP_A, mine, "call", "2025-03-14T23:30:00+00:00"),
            (REP_A, mine, "call", "2025-03-15T00:30:00+01:00"),       # 23:30 UTC the 14th
            (REP_A, mine, "email", "2025-03-15T00:30:00+00:00"),
            (REP_B, theirs, "call", "2025-03-14T08:00:00+00:00")]:
        call(people, interactions.log_interaction, principal, customer,
             {"kind": kind, "summary": "s", "occurred_at": when})
    items, stamps = all_pages(people, reconcile.interaction_counts, 1)
    assert len(stamps) == 1
    assert items == [
        {"day": "2025-03-14", "user_id": REP_A.user_id, "kind": "call", "count": 2},
        {"day": "2025-03-14", "user_id": REP_B.user_id, "kind": "call", "count": 1},
        {"day": "2025-03-15", "user_id": REP_A.user_id, "kind": "email", "count": 1}]


@pytest.mark.parametrize("arguments", [{"limit": 0}, {"limit": 1001}, {"limit": "5"},
                                       {"cursor": 12}, {"cursor": "forged"}])
def test_bad_pages_are_invalid(people, arguments):
    with people.read_only() as session:
        for function in (reconcile.customer_facts, reconcile.interaction_counts):
            with pytest.raises(Invalid):
                function(session, **arguments)
