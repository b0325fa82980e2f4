"""Issue 17's last two items over the real services (reporting on the parametrised dialect):

- a customer group made a marketing segment: the real marketing service asks the real
  reporting for the group's customers in the caller's scope and puts their contacts on a new
  static list; an unknown group is NotFound, a group that changed since it was read a
  Conflict, a rep is refused;
- the value-class rule: the real reporting's pass applies the suggestions through the real
  customers service, each change a customer_updated whose actor is the rule, and a second pass
  changes nothing."""
import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.chassis.errors import Conflict, Forbidden, NotFound
from services.chassis.models import OutboxEvent
from services.customers.models import Customer
from services.marketing.audience.models import AudienceContact
from tests.helpers import wait_until
from tests.integration.customers.support import rpc
from tests.integration.reporting.support import ADMIN, MANAGER, REP_A, REP_B, REP_C

pytestmark = pytest.mark.dialect_sensitive("the rule's table; the groups' local days")


def buyer(producers, name, owner, deals, quantity, product):
    customer = rpc(producers["customers"], "create_customer", ADMIN, {
        "name": name, "owner_id": owner.user_id})["id"]
    for _ in range(deals):
        deal = rpc(producers["sales"], "create_deal", ADMIN, {
            "name": name, "customer_id": customer, "currency": "EUR", "owner_id": owner.user_id,
            "lines": [{"product_id": product, "quantity": quantity}]})
        rpc(producers["sales"], "move_deal", owner, deal["id"], {"stage": "won"})
    return customer


def product(producers):
    return rpc(producers["sales"], "create_product", ADMIN, {
        "name": "segment widget", "list_price": "19.99", "currency": "EUR"})["id"]


def test_a_group_becomes_a_static_list_of_its_customers_contacts(producers, databases,
                                                                  reporting):
    widget = product(producers)
    big = [buyer(producers, "big a", REP_A, 3, 10, widget),
           buyer(producers, "big b", REP_B, 3, 10, widget)]
    small = [buyer(producers, "small a", REP_A, 1, 1, widget),
             buyer(producers, "small c", REP_C, 1, 1, widget)]
    person = rpc(producers["customers"], "add_contact", ADMIN, big[0], {"name": "Ada"})["id"]

    def grouped():
        report = rpc(reporting, "customer_groups", ADMIN, {})
        found = {tuple(sorted(g["members"])): (n, g["description"])
                 for n, g in enumerate(report["groups"])}
        return found if tuple(sorted(big)) in found and tuple(sorted(small)) in found else None
    groups = wait_until(grouped, timeout=30, message="two groups: big and small buyers")

    def audience_knows():
        with Session(databases["marketing"]) as session:
            known = set(session.scalars(select(AudienceContact.id)))
        return {*big, *small, person} <= known
    wait_until(audience_knows, timeout=30, message="marketing's audience has the contacts")

    number, description = groups[tuple(sorted(big))]
    segment = rpc(producers["marketing"], "create_segment_from_customer_group", MANAGER,
                  str(number), {"description": description})
    assert segment["kind"] == "static" and segment["member_count"] == 3    # 2 customers + Ada
    assert segment["name"].lower().startswith(description.split(",")[0])
    listed = rpc(producers["marketing"], "list_segment_members", ADMIN, segment["id"], {})
    assert sorted(item["id"] for item in listed["items"]) == sorted([*big, person])

    # small c is REP_C's (team t2): not in the manager's scope, so not on their list
    number, description = groups[tuple(sorted(small))]
    mine = rpc(producers["marketing"], "create_segment_from_customer_group", MANAGER,
               number, {"description": description, "name": "Small ones"})
    listed = rpc(producers["marketing"], "list_segment_members", ADMIN, mine["id"], {})
    assert [item["id"] for item in listed["items"]] == [small[0]]

    for group, data, error in (("9", {}, NotFound), (str(number), {"description": "other"},
                                                    Conflict)):
        with pytest.raises(error):
            rpc(producers["marketing"], "create_segment_from_customer_group", MANAGER, group,
                data)
    with pytest.raises(Forbidden):
        rpc(producers["marketing"], "create_segment_from_customer_group", REP_A, "0", {})


def updates_by(engine, actor):
    with Session(engine) as session:
        return session.scalars(select(OutboxEvent.sequence).where(
            OutboxEvent.event_type == "customer_updated", OutboxEvent.actor == actor)).all()


def classes(engine, ids):
    with Session(engine) as session:
        return dict(session.execute(select(Customer.id, Customer.value_class)
                                    .where(Customer.id.in_(ids))).all())


def test_the_rule_applies_suggestions_through_customers_once(producers, databases, reporting):
    widget = product(producers)
    bought = buyer(producers, "regular", REP_A, 1, 2, widget)
    never = rpc(producers["customers"], "create_customer", ADMIN, {
        "name": "window shopper", "owner_id": REP_B.user_id})["id"]
    classed = rpc(producers["customers"], "create_customer", ADMIN, {
        "name": "classed", "owner_id": REP_B.user_id, "value_class": "A"})["id"]

    def suggested():
        rows = rpc(reporting, "customer_value_classes", ADMIN, {})["rows"]
        found = {row["customer_id"]: row["suggested_class"] for row in rows}
        return found if {bought, never, classed} <= set(found) and \
            found[bought] == "A" else None
    assert wait_until(suggested, timeout=30, message="the suggestions")[never] == "C"

    with pytest.raises(Forbidden):
        rpc(reporting, "set_value_class_rule", REP_A, {"enabled": True})
    rule = rpc(reporting, "set_value_class_rule", ADMIN, {"enabled": True,
                                                           "applies": "unclassified"})
    assert (rule["scope"], rule["enabled"], rule["applies"]) == ("company", True, "unclassified")

    def apply_rule():
        with entrypoint_hook(reporting, "apply_value_class_rule") as hook:
            return hook()
    assert apply_rule() == {"company": (2, 0)}
    assert classes(databases["customers"], [bought, never, classed]) == {
        bought: "A", never: "C", classed: "A"}                 # classed: not unclassified
    events = updates_by(databases["customers"], "value_class_rule")
    assert len(events) == 2
    assert apply_rule() == {"company": (0, 0)}                 # nothing changes twice
    assert updates_by(databases["customers"], "value_class_rule") == events
    state = rpc(reporting, "get_value_class_rule", ADMIN)
    assert (state["last_applied"], state["last_failed"]) == (0, 0) and state["last_run_at"]
