"""Marketing through the gateway against the real processes: a customer and its contact person
created in customers appear in marketing's audience (from customers' events), its change
follows; a marketer and a manager read, a rep is refused."""
import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e


def test_a_new_customer_and_its_contact_appear_in_the_audience(admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    marketer = admin.create_user("marketer")
    customer = rep.create_customer(name="Audience Ltd", region=region_name, industry="education",
                                   email="hello@audience.example")
    person = rep.ok("POST", f"customers/{customer['id']}/contacts", expect=201,
                    json={"name": "Grace Hopper", "role": "CTO"})

    def listed():
        items = marketer.ok("GET", "marketing/audience",
                            params={"customer_id": customer["id"]})["items"]
        return items if len(items) == 2 else None
    items = wait_until(listed, timeout=30, message="the customer and its contact in the audience")
    assert {(i["id"], i["kind"], i["email"]) for i in items} == {
        (customer["id"], "customer", "hello@audience.example"), (person["id"], "contact", None)}

    rep.ok("PATCH", f"customers/{customer['id']}", json={"industry": "retail"})
    wait_until(lambda: marketer.ok("GET", f"marketing/audience/{person['id']}")["industry"]
               == "retail", timeout=30, message="the change in the contact's profile")
    assert rep.get("marketing/audience").status_code == 403
    assert marketer.get("marketing/audience", params={"kind": "robot"}).status_code == 422
    assert marketer.get("marketing/audience/no-such-contact").status_code == 404
