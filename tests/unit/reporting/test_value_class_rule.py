"""The value-class rule: which suggestions it applies (all / upgrades / unclassified), which
rule governs which customer (a team's, on or off, before the company's), and the pass over the
hand-checked base (analytics_support.BASE) against a stand-in customers service — each change
read afresh and made through update_customer, nothing changed twice.

As of 2025-12-31 over 12 months (test_analytics_value.py works them out) the suggestions are
c1 B→A, c2 none→A, c3 B (same), c4 A→C, c5 C (same), c6 none→C, c7 none→A; c1–c3 are u-a's
(team t1, managed by u-m), c4–c7 u-b's (team t2)."""
from datetime import datetime, timezone

import pytest

from services.chassis.auth import Principal
from services.chassis.errors import Invalid, NotFound
from services.reporting.domains.analytics.value import autoapply, rule
from tests.unit.reporting.analytics_support import BASE, load_base
from tests.unit.reporting.support import apply

ADMIN = Principal("u-admin", "admin")
MANAGER = Principal("u-m", "manager")                # team t1 from the users copy
NOW = datetime(2025, 12, 31, 12, tzinfo=timezone.utc)


def test_what_each_setting_applies():
    table = {(current, suggested): tuple(rule.applies(what, current, suggested)
                                         for what in ("all", "upgrades", "unclassified"))
             for current, suggested in (("B", "A"), (None, "C"), ("A", "C"), ("B", "B"))}
    assert table == {("B", "A"): (True, True, False), (None, "C"): (True, True, True),
                     ("A", "C"): (True, False, False), ("B", "B"): (False, False, False)}


def test_a_teams_rule_governs_its_customers_before_the_companys():
    teams = {"team:t2": {"c4"}, "team:t1": {"c1", "c4"}}
    assert rule.governing(teams, ["c1", "c4", "c9"]) == {
        "c1": "team:t1", "c4": "team:t1", "c9": "company"}
    assert rule.governing(teams, ()) == {"c1": "team:t1", "c4": "team:t1"}
    rules = {"team:t1": {"enabled": False, "applies": "all", "months": 12},
             "company": {"enabled": True, "applies": "all", "months": 12}}
    suggested = {12: {"c1": ("B", "A"), "c4": ("A", "C"), "c9": (None, "B")}}
    assert rule.changes(rule.governing(teams, ["c1", "c4", "c9"]), rules, suggested) == [
        ("c9", None, "B", "company")]           # the team opted out


class Customers:
    """The customers service as the pass calls it: classes as they are now there."""

    def __init__(self, classes, missing=()):
        self.classes, self.missing, self.updates = dict(classes), set(missing), []

    def __call__(self, service, method, customer_id, *args):
        assert service == "customers"
        if customer_id in self.missing:
            raise NotFound(f"No customer {customer_id}.")
        if method == "update_customer":
            self.updates.append((customer_id, args[0]["value_class"]))
            self.classes[customer_id] = args[0]["value_class"]
        return {"id": customer_id, "value_class": self.classes[customer_id]}


@pytest.fixture
def base(db, customers, sales, identity):
    apply(db, identity.user("u-a", team_id="t1"), identity.user("u-b", team_id="t2"),
          identity.user("u-m", role="manager", team_id="t1"))
    load_base(db, customers, sales)
    return Customers({key: klass for key, (_owner, _region, klass, _deals) in BASE.items()})


def set_rule(db, principal, **data):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return autoapply.set_rule(uow, principal, data)


def get_rule(db, principal):
    with db.read_only() as session:
        return autoapply.get_rule(session, principal)


@pytest.mark.parametrize("applies, changed", [
    ("upgrades", [("c1", "A"), ("c2", "A"), ("c6", "C"), ("c7", "A")]),
    ("all", [("c1", "A"), ("c2", "A"), ("c4", "C"), ("c6", "C"), ("c7", "A")]),
    ("unclassified", [("c2", "A"), ("c6", "C"), ("c7", "A")]),
])
def test_the_company_rule_applies_what_it_selects_once(db, base, applies, changed):
    set_rule(db, ADMIN, enabled=True, applies=applies)
    assert autoapply.run(db, base, NOW) == {"company": (len(changed), 0)}
    assert base.updates == changed
    # reporting's copy has not heard of the changes yet: each is read afresh, none made again
    assert autoapply.run(db, base, NOW) == {"company": (0, 0)}
    assert base.updates == changed
    state = get_rule(db, ADMIN)
    assert (state["scope"], state["last_run_at"], state["last_applied"]) == ("company", NOW, 0)


def test_a_managers_rule_covers_the_team_and_can_opt_it_out(db, base):
    set_rule(db, MANAGER, enabled=True, applies="all")
    assert autoapply.run(db, base, NOW) == {"team:t1": (2, 0)}
    assert base.updates == [("c1", "A"), ("c2", "A")]              # u-a's; not u-b's
    set_rule(db, MANAGER, enabled=False)
    set_rule(db, ADMIN, enabled=True, applies="all")
    assert autoapply.run(db, base, NOW) == {"company": (3, 0)}
    assert base.updates[2:] == [("c4", "C"), ("c6", "C"), ("c7", "A")]


def test_a_class_is_judged_as_it_is_now_and_a_gone_customer_is_counted(db, base):
    base.classes["c1"] = "A"                        # set by hand a moment ago
    base.missing.add("c7")                          # merged meanwhile
    set_rule(db, ADMIN, enabled=True)
    assert autoapply.run(db, base, NOW) == {"company": (2, 1)}
    assert base.updates == [("c2", "A"), ("c6", "C")]
    assert get_rule(db, ADMIN)["last_failed"] == 1


def test_no_rule_on_changes_nothing(db, base):
    assert autoapply.run(db, base, NOW) == {}
    set_rule(db, ADMIN, enabled=False, applies="all")
    assert autoapply.run(db, base, NOW) == {} and base.updates == []


def test_the_rule_is_read_and_set_in_the_callers_scope(db, base):
    assert get_rule(db, MANAGER) == {
        "scope": "team:t1", "enabled": False, "applies": "upgrades", "months": 12,
        "set_by": None, "changed_at": None, "last_run_at": None, "last_applied": 0,
        "last_failed": 0}
    saved = set_rule(db, MANAGER, enabled=True, applies="unclassified", months=6)
    assert (saved["enabled"], saved["applies"], saved["months"], saved["set_by"]) == (
        True, "unclassified", 6, "u-m")
    assert get_rule(db, MANAGER)["applies"] == "unclassified"
    assert get_rule(db, ADMIN)["enabled"] is False                # the company's is apart
    with pytest.raises(Invalid):
        get_rule(db, Principal("u-lone", "manager"))              # in no team
    for bad in ({}, {"enabled": "yes"}, {"enabled": True, "applies": "some"},
                {"enabled": True, "months": 0}, {"enabled": True, "colour": "red"}):
        with pytest.raises(Invalid):
            set_rule(db, ADMIN, **bad)
    assert get_rule(db, MANAGER)["months"] == 6                    # nothing changed
