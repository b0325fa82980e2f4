"""Supplier selection: quotations asked of active suppliers for an approved request only, once
per supplier (409 naming it), all or nothing; offers priced line by line exactly (every line
once, the request's currency — precise 422s that change nothing), recorded again while no
choice is made (the same offer again publishes nothing); the comparison marks the lowest; a
choice needs a reason, a received offer still valid and an active supplier, declines the rest,
and is made once; withdrawing before a choice; reads follow the request's scope."""
import pytest
from prometheus_client import REGISTRY

from services.chassis.errors import Conflict, Invalid, NotFound
from services.procurement.sourcing.handlers import reads
from tests.unit.procurement.sourcing_support import (NOW, approved_request, ask, choose,
                                                     compare, fixed_clock, offer, suppliers,
                                                     withdraw)
from tests.unit.procurement.support import (BUYER, MANAGER, OTHER_MANAGER, REP, REP2, approve,
                                            events, new_request, procurement_db, read,
                                            supplier_status)


@pytest.fixture
def db():
    return procurement_db()


@pytest.fixture
def clock(monkeypatch):
    return fixed_clock(monkeypatch)


def test_only_an_approved_request_and_active_suppliers_are_asked_once(db, clock):
    acme, bolt, hold = suppliers(db, "Acme", "Bolt", "Halted")
    pending = new_request(db)
    with pytest.raises(Conflict) as refused:
        ask(db, pending["id"], [acme])
    assert refused.value.details["allowed"] == ["approved"]
    request = approved_request(db)
    supplier_status(db, BUYER, hold, "on_hold", "Late twice")
    with pytest.raises(Conflict) as refused:
        ask(db, request["id"], [acme, hold])
    assert refused.value.details == {"id": hold} and "on_hold" in refused.value.message
    for bad in ([acme, acme], [acme, "no-such-supplier"]):
        with pytest.raises(Invalid) as refused:
            ask(db, request["id"], bad)
        assert "supplier_ids" in refused.value.details
    assert read(db, reads.list_quotations, BUYER, request["id"]) == []     # all or nothing

    asked = ask(db, request["id"], [acme, bolt], respond_by="2026-03-10")
    assert [(q["supplier_id"], q["status"], q["respond_by"]) for q in asked] == [
        (acme, "requested", "2026-03-10"), (bolt, "requested", "2026-03-10")]
    with pytest.raises(Conflict) as refused:
        ask(db, request["id"], [bolt])
    assert refused.value.details == {"id": asked[1]["id"]}
    assert [p["supplier_id"] for _, p in events(db, "quotation_requested")] == [acme, bolt]


def test_an_offer_prices_every_line_once_exactly(db, clock):
    request = approved_request(db)
    [acme] = suppliers(db, "Acme")
    [quotation] = ask(db, request["id"], [acme])
    laptop, dock = request["lines"]
    bad_bodies = [
        ({"currency": "USD"}, "currency"),
        ({"lines": [{"request_line_id": laptop["id"], "unit_price": "1"}]}, "lines"),
        ({"lines": [{"request_line_id": laptop["id"], "unit_price": "1"},
                    {"request_line_id": laptop["id"], "unit_price": "2"},
                    {"request_line_id": dock["id"], "unit_price": "2"}]}, "lines"),
        ({"lines": [{"request_line_id": "elsewhere", "unit_price": "1"},
                    {"request_line_id": laptop["id"], "unit_price": "1"},
                    {"request_line_id": dock["id"], "unit_price": "2"}]}, "lines"),
        ({"lines": [{"request_line_id": laptop["id"], "unit_price": 1.5},
                    {"request_line_id": dock["id"], "unit_price": "2"}]}, "lines"),
    ]
    for extra, field in bad_bodies:
        with pytest.raises(Invalid) as refused:
            offer(db, quotation["id"], request, ["1", "1"], **extra)
        assert field in refused.value.details, extra
    with pytest.raises(Invalid) as refused:
        offer(db, quotation["id"], request, ["1"])
    assert refused.value.details == {"lines": ["Line 2 (Dock) is not priced."]}
    assert events(db, "quotation_received") == []

    recorded = offer(db, quotation["id"], request, [], valid_until="2026-03-31", lines=[
                         {"request_line_id": laptop["id"], "unit_price": "1799.99"},
                         {"request_line_id": dock["id"], "quantity": "2.5",
                          "unit_price": "0.33"}])
    assert (recorded["status"], recorded["total"]) == ("received", "5400.80")
    assert [(row["quantity"], row["line_total"]) for row in recorded["lines"]] == [
        ("3.000", "5399.97"), ("2.500", "0.83")]
    again = offer(db, quotation["id"], request, [], valid_until="2026-03-31", lines=[
        {"request_line_id": dock["id"], "quantity": "2.5", "unit_price": "0.33"},
        {"request_line_id": laptop["id"], "unit_price": "1799.99"}])
    assert again == recorded and len(events(db, "quotation_received")) == 1
    changed = offer(db, quotation["id"], request, ["1700.00", "150.00"])
    assert (changed["total"], changed["valid_until"]) == ("5550.00", None)
    [_, latest] = events(db, "quotation_received")
    assert latest[1]["total"] == "5550.00" and latest[1]["lines"][0]["unit_price"] == "1700.00"


def test_choose_one_with_a_reason_once_the_others_declined(db, clock):
    request = approved_request(db)
    acme, bolt, cosy, dull = suppliers(db, "Acme", "Bolt", "Cosy", "Dull")
    qa, qb, qc, qd = ask(db, request["id"], [acme, bolt, cosy, dull])
    offer(db, qa["id"], request, ["1800.00", "200.00"], valid_until="2026-03-01")  # expired
    offer(db, qb["id"], request, ["1750.00", "210.00"])
    withdraw(db, qd["id"], reason="Cannot deliver")
    with pytest.raises(Invalid):
        choose(db, qb["id"], reason=None)
    with pytest.raises(Conflict):
        choose(db, qc["id"])                                  # nothing offered yet
    with pytest.raises(Conflict) as refused:
        choose(db, qa["id"])
    assert refused.value.details["valid_until"] == "2026-03-01"
    clock["now"] = NOW.replace(day=1)                         # its last valid day
    assert not {q["quotation_id"]: q for q in compare(db, BUYER, request["id"])["quotations"]}[
        qa["id"]]["expired"]
    supplier_status(db, BUYER, bolt, "on_hold", "Audit")
    with pytest.raises(Conflict):
        choose(db, qb["id"])                                  # on hold: not chosen
    supplier_status(db, BUYER, bolt, "active")

    counted = [REGISTRY.get_sample_value("crm_quotation_status_changes_total",
                                         {"to_status": status}) or 0
               for status in ("chosen", "declined")]
    chosen = choose(db, qb["id"], reason="Lowest total, trusted")
    assert [REGISTRY.get_sample_value("crm_quotation_status_changes_total",
                                      {"to_status": status}) - before
            for status, before in zip(("chosen", "declined"), counted)] == [1, 2]
    assert (chosen["status"], chosen["reason"], chosen["decided_by"]) == (
        "chosen", "Lowest total, trusted", BUYER.user_id)
    statuses = {q["id"]: q["status"] for q in read(db, reads.list_quotations, BUYER,
                                                    request["id"])}
    assert statuses == {qa["id"]: "declined", qb["id"]: "chosen", qc["id"]: "declined",
                        qd["id"]: "withdrawn"}
    [(_, event)] = events(db, "quotation_chosen")
    assert (event["total"], event["reason"]) == ("5880.00", "Lowest total, trusted")
    assert sorted(event["declined"]) == sorted([qa["id"], qc["id"]])
    for again in (qb["id"], qa["id"]):
        with pytest.raises(Conflict) as refused:
            choose(db, again)
        assert refused.value.details == {"id": qb["id"]}
    with pytest.raises(Conflict):
        offer(db, qc["id"], request, ["1", "1"])
    with pytest.raises(Conflict):
        withdraw(db, qb["id"])
    with pytest.raises(Conflict):
        ask(db, request["id"], suppliers(db, "Late"))
    [(_, gone)] = events(db, "quotation_withdrawn")
    assert (gone["quotation_id"], gone["reason"]) == (qd["id"], "Cannot deliver")


def test_the_comparison_marks_the_lowest_and_is_scoped(db, clock):
    request = new_request(db, principal=REP)                  # 1,000: the manager alone
    request = approve(db, MANAGER, request["id"])
    acme, bolt, cosy = suppliers(db, "Acme", "Bolt", "Cosy")
    qa, qb, qc = ask(db, request["id"], [acme, bolt, cosy])
    offer(db, qa["id"], request, ["990.00"], delivery_date="2026-04-01")
    offer(db, qb["id"], request, ["990.00"], valid_until="2026-03-01")
    offer(db, qc["id"], request, ["1200.00"])
    withdraw(db, qc["id"])
    view = compare(db, BUYER, request["id"])
    rows = {q["quotation_id"]: q for q in view["quotations"]}
    assert [(rows[q["id"]]["lowest"], rows[q["id"]]["expired"]) for q in (qa, qb, qc)] == [
        (True, False), (True, True), (False, False)]
    assert rows[qa["id"]]["supplier"]["name"] == "Acme"
    [compared_line] = view["lines"]
    assert sorted((o["supplier_id"], o["unit_price"], o["lowest"])
                  for o in compared_line["offers"]) == sorted([(acme, "990.00", True),
                                                               (bolt, "990.00", True)])
    assert (view["currency"], view["estimated_total"], view["chosen_quotation_id"]) == (
        "EUR", "1000.00", None)
    own = compare(db, REP, request["id"])
    assert {q["supplier"]["name"] for q in own["quotations"]} == {None}   # not the book's
    assert {q["supplier"]["name"] for q in compare(db, MANAGER, request["id"])["quotations"]} \
        == {"Acme", "Bolt", "Cosy"}
    for outsider in (OTHER_MANAGER, REP2):
        with pytest.raises(NotFound):
            compare(db, outsider, request["id"])
        with pytest.raises(NotFound):
            read(db, reads.get_quotation, outsider, qa["id"])
    assert read(db, reads.get_quotation, REP, qa["id"])["total"] == "990.00"
