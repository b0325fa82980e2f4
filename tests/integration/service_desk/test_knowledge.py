"""The knowledge base over RabbitMQ on a migrated database (SQLite and PostgreSQL): articles
written and published through the RPC entrypoints, searched in Chinese and English (the token
table's GROUP BY / HAVING and ranking behave alike on both), drafts hidden from a sales rep,
feedback counted, a ticket's suggestions and its solution link, and the events off the broker.
Roles are checked at the entrypoints."""
import pytest

from services.chassis.errors import Conflict, Forbidden, Invalid
from services.service_desk.events import EVENT_SCHEMAS
from tests.helpers import wait_until
from tests.integration.service_desk.conftest import call
from tests.unit.service_desk.support import (AGENT_A, MARKETER, PEOPLE, REP, SALES_MANAGER,
                                             SUPPORT_MANAGER, contact, customer, user)


def _write(desk, title, body, principal=AGENT_A, publish=True):
    article = call(desk, "create_article", {"title": title, "body": body}, principal=principal)
    if publish:
        article = call(desk, "change_article_status", article["id"], {"status": "published"},
                       principal=principal)
    return article


def _ids(page):
    return [hit["id"] for hit in page["items"]]


@pytest.mark.dialect_sensitive("search: GROUP BY / HAVING over the token table, ranking, CJK text")
def test_articles_are_written_searched_suggested_and_linked(producers, desk, received):
    desk.start()
    call(producers["identity"], "publish", [("user_created", user(p)) for p in PEOPLE])
    call(producers["customers"], "publish", [("customer_created", customer()),
                                             ("contact_added", contact())])
    printer = _write(desk, "打印机无法连接网络", "重启**路由器**。<script>x</script>")
    assert "<strong>路由器</strong>" in printer["body_html"] and "<script" not in printer["body_html"]
    network = _write(desk, "Network settings", "网络 设置 printer offline")
    draft = _write(desk, "打印机 draft", "打印机", publish=False)

    def search(q, principal=REP):
        return _ids(call(desk, "search_articles", {"q": q}, principal=principal))
    assert search("打印机") == [printer["id"]]
    assert search("网络") == [printer["id"], network["id"]]          # the title weighs more
    assert search("Printer OFFLINE") == [network["id"]]
    assert set(search("打印机", principal=SUPPORT_MANAGER)) == {printer["id"], draft["id"]}
    with pytest.raises(Invalid):
        search("   ")
    with pytest.raises(Forbidden):
        search("打印机", principal=MARKETER)
    with pytest.raises(Forbidden):
        search("打印机", principal=SALES_MANAGER)

    call(desk, "set_article_feedback", printer["id"], {"helpful": True}, principal=REP)
    voted = call(desk, "set_article_feedback", printer["id"], {"helpful": False}, principal=REP)
    assert (voted["helpful_yes"], voted["helpful_no"]) == (0, 1)

    ticket = wait_until(lambda: _or_none(lambda: call(
        desk, "create_ticket", {"customer_id": "c-1", "subject": "打印机连不上网络"},
        principal=AGENT_A)), message="the customer in the copy")
    suggested = call(desk, "suggest_articles", {"ticket_id": ticket["id"]}, principal=AGENT_A)
    assert _ids(suggested)[0] == printer["id"] and draft["id"] not in _ids(suggested)
    with pytest.raises(Conflict):
        call(desk, "link_article_solution", draft["id"], {"ticket_id": ticket["id"]},
             principal=AGENT_A)
    call(desk, "link_article_solution", printer["id"], {"ticket_id": ticket["id"]},
         principal=AGENT_A)
    history = call(desk, "list_ticket_history", ticket["id"], principal=AGENT_A)["items"]
    assert history[-1]["action"] == "solution_linked"

    wanted = {"kb_article_created": 3, "kb_article_status_changed": 2,
              "ticket_solution_linked": 1}
    wait_until(lambda: all(sum(e["event_type"] == name for e in received) == n
                           for name, n in wanted.items()), message="the knowledge events")
    for envelope in received:
        if envelope["event_type"] in wanted:
            assert not EVENT_SCHEMAS[envelope["event_type"]].validate(envelope["payload"])


def _or_none(action):
    try:
        return action()
    except Invalid:
        return None
