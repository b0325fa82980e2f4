from datetime import date, datetime, timedelta, timezone

import pytest

from services.chassis.errors import Conflict, Invalid
from services.customers import schemas
from services.customers.handlers import contacts, customers, interactions, tags
from tests.unit.customers.support import ADMIN, MARKETER, REP_A, call, create, events

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def test_tags_are_created_once_case_insensitively(people):
    tag = call(people, tags.create_tag, ADMIN, {"name": "VIP"})
    with pytest.raises(Conflict) as error:
        call(people, tags.create_tag, REP_A, {"name": " vip "})
    assert error.value.details == {"duplicate_of": tag["id"]}
    with pytest.raises(Invalid):
        call(people, tags.create_tag, REP_A, {"name": "   "})
    assert [t["name"] for t in call(people, tags.list_tags, MARKETER, write=False)] == ["VIP"]


def test_bulk_tag_and_untag_report_and_emit_only_real_changes(people):
    first, second = (create(people, REP_A, name=name)["id"] for name in ("One", "Two"))
    call(people, tags.create_tag, ADMIN, {"name": "VIP"})
    result = call(people, tags.tag_customers, REP_A, [first, second, first], ["vip", "Hot lead"])
    assert result["changed"] == 2 and result["tags"][first] == ["Hot lead", "VIP"]
    again = call(people, tags.tag_customers, REP_A, [first], ["VIP"])
    assert again["changed"] == 0
    removed = call(people, tags.untag_customers, REP_A, [first, second], ["hot LEAD", "never-made"])
    assert removed["tags"] == {first: ["VIP"], second: ["VIP"]}
    tagged = [payload for _, payload in events(people, "customer_tagged")]
    assert len(tagged) == 4
    assert tagged[-1] == {"customer_id": second, "tags": ["VIP"], "added": [],
                          "removed": ["Hot lead"]}
    assert call(people, customers.get_customer, REP_A, first, write=False)["tags"] == ["VIP"]


def test_bulk_input_is_validated(people):
    customer = create(people, REP_A)["id"]
    for ids, names in (([], ["x"]), ([customer], []), ("abc", ["x"]), ([customer], [" "]),
                       ([customer], ["x" * 51])):
        with pytest.raises(Invalid):
            call(people, tags.tag_customers, REP_A, ids, names)


def test_contacts_with_birthday_and_role(people, monkeypatch):
    monkeypatch.setattr(schemas, "today", lambda: date(2024, 2, 29))     # a fixed (leap) day
    customer = create(people, REP_A, name="Acme")["id"]
    added = call(people, contacts.add_contact, REP_A, customer,
                 {"name": "李伟", "role": "CFO", "birthday": "1980-02-29", "email": "li@acme.example",
                  "phone": "+86 10 1234 5678"})
    assert added["birthday"] == "1980-02-29" and added["customer_id"] == customer
    assert call(people, contacts.list_contacts, REP_A, customer, write=False) == [added]
    (_, payload), = events(people, "contact_added")
    # the birthday and the owner travel (sales' birthday reminders), the email (marketing mails
    # contact persons, the service desk knows a mail's sender by it); the phone does not
    assert (payload["name"], payload["birthday"], payload["owner_id"], payload["email"]) == \
        ("李伟", "1980-02-29", REP_A.user_id, "li@acme.example")
    assert "phone" not in payload
    for bad in ({"name": ""}, {"name": "x", "birthday": "2024-03-01"},     # tomorrow
                {"name": "x", "birthday": "1899-12-31"}, {"name": "x", "email": "nope"},
                {"name": "x", "customer_id": customer}):
        with pytest.raises(Invalid):
            call(people, contacts.add_contact, REP_A, customer, bad)
    born_today = call(people, contacts.add_contact, REP_A, customer,
                      {"name": "Baby", "birthday": "2024-02-29"})
    assert born_today["birthday"] == "2024-02-29"


def log(db, customer, minutes, **extra):
    data = {"kind": "call", "summary": f"at {minutes}",
            "occurred_at": (T0 + timedelta(minutes=minutes)).isoformat(), **extra}
    return call(db, interactions.log_interaction, REP_A, customer, data)


def test_timeline_is_newest_first_and_pages_by_cursor(people):
    customer = create(people, REP_A)["id"]
    for minutes in (5, 1, 3, 3, 2):                   # out of order, with a tie
        log(people, customer, minutes)
    seen, cursor = [], None
    while True:
        page = call(people, interactions.get_timeline, REP_A, customer, cursor, 2, write=False)
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [item["summary"] for item in seen] == ["at 5", "at 3", "at 3", "at 2", "at 1"]
    assert len({item["id"] for item in seen}) == 5
    assert seen[0]["user_id"] == REP_A.user_id and seen[0]["occurred_at"].endswith("+00:00")
    (_, payload), *_ = events(people, "interaction_logged")
    assert payload["owner_id"] == REP_A.user_id and payload["summary"] == "at 5"


def test_timeline_cursor_belongs_to_its_customer_and_page_size_is_checked(people):
    one, two = (create(people, REP_A, name=name)["id"] for name in ("One", "Two"))
    for minutes in range(3):
        log(people, one, minutes)
    cursor = call(people, interactions.get_timeline, REP_A, one, None, 1, write=False)["next_cursor"]
    with pytest.raises(Invalid):
        call(people, interactions.get_timeline, REP_A, two, cursor, 1, write=False)
    for limit in (0, 10**9):
        with pytest.raises(Invalid):
            call(people, interactions.get_timeline, REP_A, one, None, limit, write=False)


def test_interaction_input(people):
    customer = create(people, REP_A, name="One")["id"]
    other = create(people, REP_A, name="Two")["id"]
    stranger = call(people, contacts.add_contact, REP_A, other, {"name": "Not here"})
    mine = call(people, contacts.add_contact, REP_A, customer, {"name": "Here"})
    assert log(people, customer, 0, contact_id=mine["id"], outcome="callback")["contact_id"] == mine["id"]
    for bad in ({"contact_id": stranger["id"]}, {"kind": "fax"}, {"summary": ""},
                {"occurred_at": "2025-03-01T12:00:00"}):             # naive time refused
        with pytest.raises(Invalid):
            log(people, customer, 0, **bad)
    now = call(people, interactions.log_interaction, REP_A, customer, {"kind": "note", "summary": "s"})
    assert now["occurred_at"].endswith("+00:00")
