"""Suppliers: created with contacts and normalised categories; duplicates by tax id, email or
name (in the same country; width and case folded as customers' are) are a 409 naming the
first, unless forced (then kept as possible_duplicate_of); changes recorded only when they
differ; the status flow with reasons, the admin-only unblock and 409 on illegal moves; documents'
metadata; the history; lists filtered and paginated. Every change published."""
import pytest

from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound
from services.procurement.suppliers import handlers as suppliers
from tests.unit.procurement.support import (ADMIN, BUYER, events, new_supplier, procurement_db,
                                            read, supplier_status, write)


@pytest.fixture
def db():
    return procurement_db()


def test_a_supplier_is_created_active_with_its_contacts_and_published(db):
    created = new_supplier(db, tax_id="DE 123 456 789", email="Sales@Acme.example",
                           country="DE", categories=["Office supplies", "office supplies ",
                                                     "Paper"],
                           payment_terms_days=45, currency="EUR",
                           contacts=[{"name": "Ada", "email": "ada@acme.example",
                                      "is_primary": True}, {"name": "Bob"}])
    assert created["status"] == "active" and created["flagged"] is False
    assert created["categories"] == ["Office supplies", "Paper"]
    assert [(c["name"], c["is_primary"]) for c in created["contacts"]] == [("Ada", True),
                                                                          ("Bob", False)]
    assert created["payment_terms_days"] == 45 and created["possible_duplicate_of"] is None
    [(kind, payload)] = events(db)
    assert kind == "supplier_created" and payload["id"] == created["id"]
    assert payload["categories"] == ["Office supplies", "Paper"]


@pytest.mark.parametrize("twin, match", [
    ({"name": "Other name", "tax_id": "de123456789"}, "tax_id"),
    ({"name": "Other name", "email": "SALES@acme.EXAMPLE"}, "email"),
    ({"name": "ＡＣＭＥ office supplies."}, "name"),
])
def test_a_duplicate_is_a_409_naming_the_first_and_changes_nothing(db, twin, match):
    first = new_supplier(db, tax_id="DE123456789", email="sales@acme.example", country="DE")
    with pytest.raises(Conflict) as refused:
        new_supplier(db, **twin)
    assert refused.value.details == {"duplicate_of": first["id"], "match": match}
    assert len(events(db, "supplier_created")) == 1
    forced = new_supplier(db, force=True, **twin)
    assert forced["possible_duplicate_of"] == first["id"]


def test_the_same_name_in_another_country_is_another_supplier(db):
    new_supplier(db, country="DE")
    assert new_supplier(db, country="FR")["possible_duplicate_of"] is None


def test_bad_input_is_a_422_per_field(db):
    with pytest.raises(Invalid) as refused:
        new_supplier(db, name=" ", country="de", currency="XXX", payment_terms_days=400,
                     contacts=[{"name": "A", "is_primary": True},
                               {"name": "B", "is_primary": True}], colour="red")
    assert set(refused.value.details) == {"name", "country", "currency", "payment_terms_days",
                                          "colour"}
    with pytest.raises(Invalid) as refused:
        new_supplier(db, contacts=[{"name": "A", "is_primary": True},
                                   {"name": "B", "is_primary": True}])
    assert "contacts" in refused.value.details
    assert events(db) == []


def test_an_update_records_what_differs_and_a_rename_onto_another_is_a_409(db):
    first = new_supplier(db, name="First Ltd")
    second = new_supplier(db, name="Second Ltd")
    same = write(db, BUYER, suppliers.update_supplier, second["id"], {"name": "Second Ltd"})
    assert same == read(db, suppliers.get_supplier, second["id"])
    assert events(db, "supplier_updated") == []
    changed = write(db, BUYER, suppliers.update_supplier, second["id"],
                    {"payment_terms_days": 60, "contacts": [{"name": "Cy"}]})
    assert changed["payment_terms_days"] == 60 and [c["name"] for c in changed["contacts"]] == ["Cy"]
    [(_, payload)] = events(db, "supplier_updated")
    assert payload["changed"] == ["contacts", "payment_terms_days"]
    with pytest.raises(Conflict) as refused:
        write(db, BUYER, suppliers.update_supplier, second["id"], {"name": "first ltd"})
    assert refused.value.details["duplicate_of"] == first["id"]
    assert read(db, suppliers.get_supplier, second["id"])["name"] == "Second Ltd"


def test_the_status_flow_reasons_admin_unblock_and_illegal_moves(db):
    supplier = new_supplier(db)
    sid = supplier["id"]
    with pytest.raises(Invalid):
        supplier_status(db, BUYER, sid, "on_hold")                 # no reason
    held = supplier_status(db, BUYER, sid, "on_hold", "Late twice")
    assert (held["status"], held["status_reason"], held["status_changed_by"]) == (
        "on_hold", "Late twice", BUYER.user_id)
    blocked = supplier_status(db, BUYER, sid, "blocked", "Fraud suspected")
    assert blocked["status"] == "blocked"
    with pytest.raises(Conflict) as illegal:
        supplier_status(db, BUYER, sid, "on_hold", "try")
    assert illegal.value.details == {"id": sid, "allowed": ["active"]}
    with pytest.raises(Forbidden):
        supplier_status(db, BUYER, sid, "active")
    assert read(db, suppliers.get_supplier, sid)["status"] == "blocked"
    assert supplier_status(db, ADMIN, sid, "active")["status"] == "active"
    assert supplier_status(db, ADMIN, sid, "active")["status"] == "active"   # no change
    moves = [(p["from_status"], p["to_status"]) for _, p in events(db, "supplier_status_changed")]
    assert moves == [("active", "on_hold"), ("on_hold", "blocked"), ("blocked", "active")]
    history = read(db, suppliers.list_history, sid, {})["items"]
    assert [h["action"] for h in history] == ["created", "status_changed", "status_changed",
                                               "status_changed"]
    assert history[1]["reason"] == "Late twice"


def test_documents_metadata(db):
    sid = new_supplier(db)["id"]
    with pytest.raises(Invalid):
        write(db, BUYER, suppliers.add_document, sid, {
            "kind": "certificate", "title": "ISO 9001", "valid_from": "2026-02-01",
            "valid_until": "2026-01-01"})
    document = write(db, BUYER, suppliers.add_document, sid, {
        "kind": "certificate", "title": "ISO 9001", "file_name": "iso9001.pdf",
        "content_type": "application/pdf", "size_bytes": 120_000,
        "storage_ref": "s3://docs/iso9001.pdf", "valid_until": "2027-06-30"})
    assert document["valid_until"] == "2027-06-30" and document["added_by"] == BUYER.user_id
    assert [d["id"] for d in read(db, suppliers.list_documents, sid, {})["items"]] == [document["id"]]
    [(_, payload)] = events(db, "supplier_document_added")
    assert payload == {"supplier_id": sid, "document_id": document["id"], "kind": "certificate",
                       "valid_until": "2027-06-30", "added_by": BUYER.user_id,
                       "added_at": payload["added_at"]}
    with pytest.raises(NotFound):
        read(db, suppliers.list_documents, "no-such-id", {})


def test_lists_filter_and_paginate(db):
    ids = [new_supplier(db, name=f"Supplier {n}", categories=["IT hardware"] if n % 2 else
                        ["Logistics"])["id"] for n in range(5)]
    supplier_status(db, BUYER, ids[0], "on_hold", "Quality")
    first = read(db, suppliers.list_suppliers, {"limit": 2})
    second = read(db, suppliers.list_suppliers, {"limit": 2, "cursor": first["next_cursor"]})
    third = read(db, suppliers.list_suppliers, {"limit": 2, "cursor": second["next_cursor"]})
    assert [s["id"] for s in first["items"] + second["items"] + third["items"]] == ids[::-1]
    assert third["next_cursor"] is None
    it = read(db, suppliers.list_suppliers, {"category": "IT hardware"})["items"]
    assert sorted(s["id"] for s in it) == sorted(ids[1::2])
    held = read(db, suppliers.list_suppliers, {"status": "on_hold"})["items"]
    assert [s["id"] for s in held] == [ids[0]]
    assert [s["id"] for s in read(db, suppliers.list_suppliers, {"q": "supplier 3"})["items"]] == [ids[3]]
