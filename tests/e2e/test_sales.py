"""The sales journey over HTTP against the real processes: product → lead → conversion (a
customer created, then linked for a duplicate) → a deal through every stage to won, with its
history; another rep sees nothing; bad input is a 422 that changes nothing."""
import uuid

import pytest

pytestmark = pytest.mark.e2e

STAGES = ["needs_analysis", "proposal", "negotiation", "won"]


def problem(response, status):
    assert response.status_code == status, f"{response.status_code}: {response.text[:500]}"
    assert response.headers["Content-Type"] == "application/problem+json"
    return response.json()


def sales_state(client, lead_id, deal_id=None):
    """What a bad request must not change."""
    state = [client.ok("GET", f"leads/{lead_id}")]
    if deal_id:
        state += [client.ok("GET", f"deals/{deal_id}"), client.ok("GET", f"deals/{deal_id}/history")]
    return state + [sorted(d["id"] for d in client.list_all("deals"))]


def test_lead_to_won_deal_journey_with_scopes_and_bad_input(admin, region):
    region_name, team = region
    rep = admin.create_user("sales_rep", region=region_name, team_id=team["id"])
    other = admin.create_user("sales_rep", region=f"Other-{uuid.uuid4().hex[:8]}")
    tag = uuid.uuid4().hex[:8]

    gtx = admin.ok("POST", "products", expect=201, json={
        "name": f"GTX Pro {tag}", "series": "GTX", "list_price": "4821.00", "currency": "USD"})
    assert gtx["id"] in {p["id"] for p in rep.ok("GET", "products")}
    problem(rep.post("products", json={"name": "x", "list_price": "1.00", "currency": "USD"}), 403)

    email = f"ada-{tag}@engines.example"
    lead = rep.ok("POST", "leads", expect=201, json={
        "contact_name": "Ada Lovelace", "contact_email": email, "contact_title": "CTO",
        "company_name": f"Analytical Engines {tag}", "company_size": 300, "region": region_name,
        "source": "referral", "campaign": "Spring"})
    assert lead["owner_id"] == rep.user["id"] and lead["status"] == "new"
    assert lead["score"] == sum(f["points"] for f in lead["score_factors"]) > 0
    for status in ("contacted", "qualified"):
        lead = rep.ok("POST", f"leads/{lead['id']}/status", json={"status": status})
    assert lead["status"] == "qualified"

    # Bad conversion requests: precise 422s, nothing converted, nothing created.
    before = sales_state(rep, lead["id"])
    errors = problem(rep.post(f"leads/{lead['id']}/convert", json={"currency": "XXX"}), 422)["errors"]
    assert "currency" in errors
    errors = problem(rep.post(f"leads/{lead['id']}/convert", json={
        "currency": "USD", "lines": [{"product_id": gtx["id"], "quantity": 0}]}), 422)["errors"]
    assert "lines" in errors
    problem(rep.post(f"leads/{lead['id']}/convert", json={"currency": "USD", "bogus": 1}), 422)
    assert sales_state(rep, lead["id"]) == before
    assert rep.list_all("customers", {"q": email}) == []

    conversion = {"currency": "USD", "deal_name": f"Engines {tag}",
                  "expected_close_date": "2027-03-31",
                  "lines": [{"product_id": gtx["id"], "quantity": 2, "discount_percent": "10"}]}
    converted = rep.ok("POST", f"leads/{lead['id']}/convert", json=conversion)
    assert converted["customer_link"] == "created" and converted["lead"]["status"] == "converted"
    deal = converted["deal"]
    assert (deal["amount"], deal["currency"], deal["stage"], deal["probability"], deal["owner_id"]) \
        == ("8677.80", "USD", "initial_contact", 10, rep.user["id"])
    customer = rep.ok("GET", f"customers/{converted['customer_id']}")
    assert (customer["name"], customer["owner_id"]) == (lead["company_name"], rep.user["id"])
    # A retried conversion answers the same customer and deal.
    again = rep.ok("POST", f"leads/{lead['id']}/convert", json=conversion)
    assert (again["customer_id"], again["deal"]["id"]) == (converted["customer_id"], deal["id"])

    # A second lead for the same person is linked to that customer, not twinned.
    twin = rep.ok("POST", "leads", expect=201, json={
        "contact_name": "Ada L.", "contact_email": email.upper(), "region": region_name})
    linked = rep.ok("POST", f"leads/{twin['id']}/convert", json={"currency": "USD"})
    assert (linked["customer_id"], linked["customer_link"]) == (converted["customer_id"], "existing")
    assert [c["id"] for c in rep.list_all("customers", {"q": email})] == [converted["customer_id"]]

    # Through every stage; losing needs a reason (422, nothing moves).
    before = sales_state(rep, lead["id"], deal["id"])
    errors = problem(rep.post(f"deals/{deal['id']}/stage", json={"stage": "lost"}), 422)["errors"]
    assert "lost_reason" in errors
    problem(rep.post(f"deals/{deal['id']}/stage", json={"stage": "signed"}), 422)
    problem(rep.post(f"deals/{deal['id']}/stage", json={"stage": "initial_contact"}), 409)
    assert sales_state(rep, lead["id"], deal["id"]) == before
    for stage in STAGES:
        moved = rep.ok("POST", f"deals/{deal['id']}/stage", json={"stage": stage})
    assert (moved["stage"], moved["probability"], moved["weighted_amount"]) == ("won", 100, "8677.80")
    history = rep.ok("GET", f"deals/{deal['id']}/history")
    assert [(h["from_stage"], h["to_stage"], h["changed_by"]) for h in history] == list(zip(
        [None, "initial_contact"] + STAGES[:-1], ["initial_contact"] + STAGES,
        [rep.user["id"]] * 5))
    times = [h["changed_at"] for h in history]
    assert times == sorted(times)
    problem(rep.post(f"deals/{deal['id']}/stage", json={"stage": "negotiation"}), 403)

    board = rep.ok("GET", "pipeline")
    won = next(column for column in board["stages"] if column["key"] == "won")
    assert won["totals"] == [{"currency": "USD", "count": 1, "amount": "8677.80",
                              "weighted_amount": "8677.80"}]

    # Another rep: 404 everywhere, absent from lists and the board.
    for response in (other.get(f"deals/{deal['id']}"), other.get(f"deals/{deal['id']}/history"),
                     other.post(f"deals/{deal['id']}/stage", json={"stage": "lost", "lost_reason": "x"}),
                     other.get(f"leads/{lead['id']}"),
                     other.post(f"leads/{twin['id']}/status", json={"status": "contacted"})):
        problem(response, 404)
    assert deal["id"] not in {d["id"] for d in other.list_all("deals")}
    assert sum(column["count"] for column in other.ok("GET", "pipeline")["stages"]) == 0
    assert admin.ok("GET", f"deals/{deal['id']}")["stage"] == "won"

    document = admin.ok("GET", "/openapi.json")
    for path in ("/api/v1/leads/{lead_id}/convert", "/api/v1/deals/{deal_id}/stage",
                 "/api/v1/pipeline", "/api/v1/products"):
        assert path in document["paths"], path
