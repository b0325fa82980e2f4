"""A static list filled from a CSV file: by contact id or by email (case-insensitive, every
contact with that address), the segments including the list following; a file naming anyone
outside the audience, or malformed, is a 422 naming the rows and adds nobody."""
import pytest
from sqlalchemy import create_engine

from services.chassis.auth import Principal
from services.chassis.errors import Conflict, Invalid
from services.marketing.segments.handlers import definitions, lists, members
from tests.unit.marketing.support import Log, apply, contact, customer, marketing_db

MARKETER = Principal("u-mkt", "marketer")


@pytest.fixture
def db():
    db = marketing_db(create_engine("sqlite://"))
    log = Log("customers")
    apply(db, log.emit("customer_created", customer()),
          log.emit("customer_created", customer(id="c-2", email="Info@Acme.example")),
          log.emit("customer_created", customer(id="c-3", email="other@x.example")),
          log.emit("contact_added", contact()))
    return db


def write(db, function, *args):
    with db.unit_of_work(actor=MARKETER.user_id) as uow:
        return function(uow, MARKETER, *args)


def listed(db, segment_id):
    with db.read_only() as session:
        page = members.list_members(session, MARKETER, segment_id, {"limit": 100})
    return [m["id"] for m in page["items"]]


@pytest.fixture
def vip(db):
    return write(db, definitions.create_segment, {"name": "VIP", "kind": "static"})["id"]


def test_by_email_and_by_contact_id(db, vip):
    result = write(db, lists.import_members, vip, "Email\r\n INFO@acme.example \r\n\r\n")
    assert (result["changed"], result["member_count"]) == (2, 2)
    assert listed(db, vip) == ["c-1", "c-2"]
    write(db, lists.import_members, vip, "name,contact_id\nAda,ct-1\nAgain,c-1\n")
    assert listed(db, vip) == ["c-1", "c-2", "ct-1"]


@pytest.mark.parametrize("text, field, words", [
    ("email\nnobody@x.example\ninfo@acme.example\n", "rows", "row 2"),
    ("contact_id\nc-1\nmissing\n", "rows", "row 3"),
    ("name\nAda\n", "header", "exactly one"),
    ("email,contact_id\na@b.c,c-1\n", "header", "exactly one"),
    ("email\n", "csv", "no rows"),
    ("email\na\x00b\n", "csv", "control"),
])
def test_a_bad_file_adds_nobody(db, vip, text, field, words):
    with pytest.raises(Invalid) as error:
        write(db, lists.import_members, vip, text)
    assert words in error.value.details[field][0]
    assert listed(db, vip) == []


def test_a_dynamic_segment_takes_no_file(db):
    dynamic = write(db, definitions.create_segment, {"name": "D", "kind": "dynamic"})
    with pytest.raises(Conflict):
        write(db, lists.import_members, dynamic["id"], "contact_id\nc-1\n")


def test_too_many_rows(db, vip, monkeypatch):
    monkeypatch.setenv("MARKETING_LIST_IMPORT_MAX_ROWS", "2")
    with pytest.raises(Invalid) as error:
        write(db, lists.import_members, vip, "contact_id\nc-1\nc-2\nc-3\n")
    assert "At most 2" in error.value.details["csv"][0]
