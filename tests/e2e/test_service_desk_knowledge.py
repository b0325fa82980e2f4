"""The knowledge base through the gateway against the real processes: an agent writes an
article in Chinese (Markdown with a script and a javascript: link that do not survive), it is a
draft the sales rep cannot see (404), the support manager publishes it (again: 409), the rep
finds it by "打印机" and by "网络" and says it helped; a ticket whose subject is about it gets it
suggested and linked as its solution (the ticket's history says so). Bad queries: 422."""
import uuid

import pytest

from tests.helpers import wait_until

pytestmark = pytest.mark.e2e
KB = "service-desk/knowledge"


@pytest.fixture
def people(admin, region):
    region_name, sales_team = region
    team = admin.create_team(name=f"Support KB {uuid.uuid4().hex[:6]}")
    return {"rep": admin.create_user("sales_rep", region=region_name, team_id=sales_team["id"]),
            "agent": admin.create_user("agent", team_id=team["id"]),
            "support_manager": admin.create_user("support_manager"),
            "marketer": admin.create_user("marketer"), "region": region_name}


def test_write_publish_search_in_chinese_suggest_and_link(people):
    agent, manager, rep = people["agent"], people["support_manager"], people["rep"]
    marker = f"kb{uuid.uuid4().hex[:10]}"       # this run's articles only, whatever is stored
    article = agent.ok("POST", f"{KB}/articles", expect=201, json={
        "title": "打印机无法连接网络", "category": "hardware", "tags": ["printer", marker],
        "body": f"先重启**路由器**。<script>alert(1)</script> [点此](javascript:alert(1)) {marker}"})
    assert article["status"] == "draft" and "<strong>路由器</strong>" in article["body_html"]
    assert "<script" not in article["body_html"] and 'href="javascript' not in article["body_html"]
    url = f"{KB}/articles/{article['id']}"
    assert rep.get(url).status_code == 404                       # a draft: writers only
    assert people["marketer"].get(f"{KB}/articles").status_code == 403

    manager.ok("POST", f"{url}/status", json={"status": "published"})
    again = manager.post(f"{url}/status", json={"status": "published"})
    assert again.status_code == 409
    assert again.headers["Content-Type"].startswith("application/problem+json")

    for words in ("打印机", "网络"):
        found = rep.ok("GET", f"{KB}/search", params={"q": f"{words} {marker}"})["items"]
        assert [hit["id"] for hit in found] == [article["id"]], words
    for bad in ("", "!!!", "x" * 201):
        refused = rep.get(f"{KB}/search", params={"q": bad})
        assert refused.status_code == 422 and "q" in str(refused.json()), bad

    rep.ok("PUT", f"{url}/feedback", json={"helpful": False})
    voted = rep.ok("PUT", f"{url}/feedback", json={"helpful": True})
    assert (voted["helpful_yes"], voted["helpful_no"], voted["my_vote"]) == (1, 0, True)

    suffix = uuid.uuid4().hex[:8]
    customer = rep.create_customer(name=f"KB {suffix} Ltd", email=f"kb-{suffix}@desk.example",
                                   region=people["region"])

    def open_ticket():
        response = agent.post("service-desk/tickets", json={
            "customer_id": customer["id"], "subject": f"打印机连不上网络 {marker}"})
        return response if response.status_code == 201 else None
    ticket = wait_until(open_ticket, timeout=30, message="the customer known to the desk").json()
    suggested = agent.ok("GET", f"{KB}/suggestions", params={"ticket_id": ticket["id"]})
    assert suggested["items"][0]["id"] == article["id"]
    solution = agent.ok("POST", f"{url}/solutions", json={"ticket_id": ticket["id"]})
    assert (solution["ticket_id"], solution["article_id"]) == (ticket["id"], article["id"])
    history = agent.ok("GET", f"service-desk/tickets/{ticket['id']}/history")["items"]
    assert history[-1]["action"] == "solution_linked"
    assert history[-1]["changes"] == {"solution_article_id": [None, article["id"]]}
