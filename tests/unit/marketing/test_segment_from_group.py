"""A customer group made a static list: the contacts of the group's customers (the customer
itself and its contact persons) that marketing's audience knows, named after the group's
description and as-of day; a group number that is not one is a 404 before anything is asked;
a group with none of the caller's customers in the audience is a 409 that writes nothing; the
same group the same day twice is a 409 (the name exists)."""
import pytest
from sqlalchemy import create_engine, func, select

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, Invalid, NotFound
from services.marketing.segments.handlers import from_group, members
from services.marketing.segments.models import Segment
from tests.unit.marketing.support import Log, apply, contact, customer, marketing_db

MANAGER = Principal("u-mgr", "manager", team_id="t1")
GROUP = {"cluster": 1, "description": "bought recently, buy often, high value", "size": 9,
         "as_of": "2026-12-01", "tz": "Europe/Paris", "months": 12,
         "customer_ids": ["c-1", "c-2", "c-unknown"]}


@pytest.fixture
def db():
    db = marketing_db(create_engine("sqlite://"))
    log = Log("customers")
    apply(db, log.emit("customer_created", customer()),
          log.emit("customer_created", customer(id="c-2", name="Beta")),
          log.emit("customer_created", customer(id="c-3", name="Gamma")),
          log.emit("contact_added", contact()),
          log.emit("contact_added", contact(id="ct-3", customer_id="c-3")))
    return db


def make(db, group=GROUP, name=None):
    with db.unit_of_work(actor=MANAGER.user_id) as uow:
        return from_group.create_segment(uow, MANAGER, group, name)


def test_the_groups_customers_contacts_become_a_static_list(db):
    segment = make(db)
    assert segment["kind"] == "static" and segment["member_count"] == 3
    assert segment["name"] == "Bought recently, buy often, high value (2026-12-01)"
    assert segment["description"].startswith(
        "Customer group 1 as of 2026-12-01 (behaviour over the 12 months before it, "
        "Europe/Paris): bought recently, buy often, high value.")
    assert segment["created_by"] == "u-mgr"
    with db.read_only() as session:
        listed = members.list_members(session, MANAGER, segment["id"], {"limit": 10})["items"]
    assert [item["id"] for item in listed] == ["c-1", "c-2", "ct-1"]     # not c-3's, nor ct-3
    with pytest.raises(Conflict):                   # the same group, the same day: the name
        make(db)
    assert make(db, name="Top buyers")["name"] == "Top buyers"


def test_a_group_with_none_of_the_callers_customers_in_the_audience_writes_nothing(db):
    with pytest.raises(Conflict) as error:
        make(db, {**GROUP, "customer_ids": ["c-unknown"]})
    assert "none with a contact" in error.value.message
    with db.read_only() as session:
        assert session.scalar(select(func.count()).select_from(Segment)) == 0


@pytest.mark.parametrize("group", ["x", "-1", "1.5", "12345", None, True])
def test_a_number_that_is_not_a_group_is_not_found(group):
    with pytest.raises(NotFound):
        from_group.group_query(group, {})


def test_the_request_is_checked_and_split():
    assert from_group.group_query("2", {"months": 6, "description": "d", "name": "N",
                                        "as_of": "2026-12-01", "tz": "Asia/Shanghai"}) == (
        2, {"months": 6, "description": "d", "as_of": "2026-12-01", "tz": "Asia/Shanghai"}, "N")
    for bad in ({"months": "6"}, {"months": 0}, {"name": ""}, {"colour": "red"},
                {"as_of": "yesterday"}, {"tz": "Nowhere/Else"}, {"description": ""}):
        with pytest.raises(Invalid):
            from_group.group_query(0, bad)
