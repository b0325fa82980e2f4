"""Sales targets: period validation, set / change / remove with events, the consistency of parts
and parents (409 or accepted with the excess shown), who may set and read."""
from datetime import date

import pytest

from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound
from services.sales.targets.handlers import targets
from services.sales.targets.handlers.periods import period_end
from tests.unit.sales.support import ADMIN, MANAGER, MARKETER, REP_A, REP_B, call, events
from tests.unit.sales.target_support import MONTH, read, target


@pytest.mark.parametrize("kind, start, end", [
    ("month", date(2026, 2, 1), date(2026, 2, 28)), ("month", date(2024, 2, 1), date(2024, 2, 29)),
    ("month", date(2026, 12, 1), date(2026, 12, 31)),
    ("quarter", date(2026, 10, 1), date(2026, 12, 31)),
    ("quarter", date(2026, 4, 1), date(2026, 6, 30)),
    ("year", date(2026, 1, 1), date(2026, 12, 31))])
def test_period_end_is_the_last_day_inclusive(kind, start, end):
    assert period_end(kind, start) == end


@pytest.mark.parametrize("kind, start", [("month", "2026-03-02"), ("quarter", "2026-02-01"),
                                         ("year", "2026-07-01"), ("month", "2026-13-01")])
def test_a_period_must_start_on_its_first_day(db, kind, start):
    with pytest.raises(Invalid) as error:
        target(db, period_kind=kind, period_start=start)
    assert "period_start" in error.value.details
    assert events(db, "target_set") == []


@pytest.mark.parametrize("data, field", [
    ({"amount": "0.00"}, "amount"), ({"amount": "-5"}, "amount"), ({"amount": 1.5}, "amount"),
    ({"currency": "XXX"}, "currency"), ({"measure": "profit"}, "measure"),
    ({"scope": "team"}, "scope"), ({"scope": "region", "scope_value": None}, "scope_value"),
    ({"scope": "company", "scope_value": "EU"}, "scope_value"),
    ({"scope": "rep", "scope_value": "u-nobody"}, "scope_value"),
    ({"scope": "rep", "scope_value": "u-manager"}, "scope_value"),
    ({"scope": "product_line", "scope_value": "NoSuchSeries"}, "scope_value"),
    ({"colour": "red"}, "colour")])
def test_bad_input_is_refused_with_the_field_named(db, data, field):
    with pytest.raises(Invalid) as error:
        target(db, **data)
    assert field in error.value.details
    assert events(db, "target_set") == []


def test_set_emits_target_set_and_setting_again_changes_the_amount(db):
    first = target(db, amount="1000.00")
    assert (first["period_end"], first["scope_value"], first["amount"]) == (
        period_end("month", MONTH).isoformat(), None, "1000.00")
    again = target(db, amount="1500.00")
    assert again["id"] == first["id"] and again["amount"] == "1500.00"
    sent = events(db, "target_set")
    assert [payload["amount"] for _type, payload in sent] == ["1000.00", "1500.00"]
    payload = sent[-1][1]
    assert payload["scope"] == "company" and payload["scope_value"] is None
    assert payload["period_start"] == MONTH.isoformat() and payload["set_by"] == "u-admin"
    assert payload["parent_id"] is None and payload["currency"] == "USD"
    # another currency or measure is another target
    assert target(db, currency="EUR")["id"] != first["id"]
    assert target(db, measure="cash_collected")["id"] != first["id"]


def test_remove_emits_target_removed_and_the_target_is_gone(db):
    made = target(db)
    assert call(db, targets.remove_target, ADMIN, made["id"]) == {"id": made["id"], "removed": True}
    (_type, payload), = events(db, "target_removed")
    assert payload["id"] == made["id"] and payload["removed_by"] == "u-admin"
    with pytest.raises(NotFound):
        read(db, made["id"])


def test_parts_may_not_exceed_the_parent_unless_allowed(db):
    company = target(db, amount="1000.00")
    eu = target(db, scope="region", scope_value="EU", amount="700.00")
    assert eu["parent_id"] == company["id"]
    with pytest.raises(Conflict) as error:
        target(db, scope="region", scope_value="US", amount="400.00")
    assert error.value.details["parts_exceed_by"] == "100.00"
    assert len(events(db, "target_set")) == 2                      # nothing changed
    us = target(db, scope="region", scope_value="US", amount="400.00",
                allow_exceeding_parent=True)
    assert us["parent_exceeded_by"] == "100.00"
    region_split, = [s for s in read(db, company["id"])["splits"] if s["by"] == "region"]
    assert region_split == {"by": "region", "parts": 2, "parts_sum": "1100.00",
                            "unallocated": "0.00", "parts_exceed_by": "100.00"}


def test_a_parent_may_not_drop_below_its_parts_and_reps_split_their_region(db):
    target(db, amount="1000.00")
    eu = target(db, scope="region", scope_value="EU", amount="600.00")
    target(db, scope="rep", scope_value="u-rep-a", amount="250.00")
    rep_b = target(db, scope="rep", scope_value="u-rep-b", amount="250.00")
    assert rep_b["parent_id"] == eu["id"]
    assert read(db, eu["id"])["splits"] == [{"by": "rep", "parts": 2, "parts_sum": "500.00",
                                             "unallocated": "100.00", "parts_exceed_by": "0.00"}]
    with pytest.raises(Conflict):
        target(db, scope="region", scope_value="EU", amount="400.00")
    with pytest.raises(Conflict):
        target(db, scope="rep", scope_value="u-rep-b", amount="351.00")
    # a rep of another region is no part of EU
    target(db, scope="rep", scope_value="u-rep-c", amount="900.00")
    assert read(db, eu["id"])["splits"][0]["parts_sum"] == "500.00"


def test_product_lines_split_the_company_separately(db, product_series):
    company = target(db, amount="1000.00")
    target(db, scope="region", scope_value="EU", amount="900.00")
    line = target(db, scope="product_line", scope_value="GTX", amount="900.00")
    assert line["parent_id"] == company["id"]
    with pytest.raises(Conflict):
        target(db, scope="product_line", scope_value="MG", amount="200.00")
    by = {s["by"]: s["parts_sum"] for s in read(db, company["id"])["splits"]}
    assert by == {"region": "900.00", "product_line": "900.00"}


def test_managers_set_their_teams_reps_and_their_region_reps_set_nothing(db):
    assert target(db, MANAGER, scope="rep", scope_value="u-rep-a")["scope_value"] == "u-rep-a"
    assert target(db, MANAGER, scope="region", scope_value="EU")["scope_value"] == "EU"
    for principal, scope, value in ((MANAGER, "rep", "u-rep-c"), (MANAGER, "region", "US"),
                                    (MANAGER, "company", None), (REP_A, "rep", "u-rep-a"),
                                    (MARKETER, "company", None)):
        with pytest.raises(Forbidden):
            target(db, principal, scope=scope, scope_value=value, amount="5.00")


def test_reps_read_their_own_and_the_companys(db):
    company = target(db)
    own = target(db, scope="rep", scope_value="u-rep-a", amount="10.00")
    other = target(db, scope="rep", scope_value="u-rep-c", amount="10.00")
    eu = target(db, scope="region", scope_value="EU", amount="10.00")

    def listed(principal):
        return {item["id"] for item in call(db, targets.list_targets, principal, {},
                                            write=False)["items"]}
    assert listed(REP_A) == {company["id"], own["id"]}
    assert listed(REP_B) == {company["id"]}
    assert listed(MANAGER) == {company["id"], own["id"], eu["id"]}
    assert listed(ADMIN) == {company["id"], own["id"], other["id"], eu["id"]}
    with pytest.raises(NotFound):
        read(db, other["id"], REP_A)
    with pytest.raises(Forbidden):
        call(db, targets.remove_target, REP_A, own["id"])
    with pytest.raises(Forbidden):
        call(db, targets.remove_target, MANAGER, company["id"])


def test_the_list_pages_and_filters(db):
    for value in ("u-rep-a", "u-rep-b", "u-rep-c"):
        target(db, scope="rep", scope_value=value, amount="10.00")
    target(db)
    first = call(db, targets.list_targets, ADMIN, {"scope": "rep", "limit": 2}, write=False)
    rest = call(db, targets.list_targets, ADMIN, {"scope": "rep", "limit": 2,
                                                 "cursor": first["next_cursor"]}, write=False)
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    with pytest.raises(Invalid):
        call(db, targets.list_targets, ADMIN, {"scope": "galaxy"}, write=False)
