"""The knowledge base: safe rendering (no raw HTML, no javascript: links), draft / published
(the same status again: 409), who writes and who reads (drafts: writers only, a 404 for
others), paginated lists, search (Chinese by characters: "打印机无法连接网络" found by "打印机"
and by "网络"; AND semantics; precise 422s), "was this helpful" (one vote per reader,
changeable, counted), suggestions for a ticket and solution links (history row, event)."""
import pytest

from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.models import OutboxEvent
from services.service_desk.knowledge import render, search
from services.service_desk.knowledge.models import Article, ArticleFeedback, ArticleToken
from services.service_desk.tickets.models import TicketChange
from tests.unit.service_desk import kb_ops as kb
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import (ADMIN, AGENT_A, AGENT_B, MARKETER, REP,
                                             SALES_MANAGER, SUPPORT_MANAGER, count, events,
                                             seeded_db)

CHINESE = "打印机无法连接网络"


@pytest.fixture
def db():
    return seeded_db()


def snapshot(db):
    return tuple(count(db, model) for model in (Article, ArticleToken, ArticleFeedback,
                                                 TicketChange, OutboxEvent))


# --- rendering ------------------------------------------------------------------------------

@pytest.mark.parametrize("markdown", [
    "<script>alert(1)</script>",
    "hello <img src=x onerror=alert(1)> world",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript&colon;alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "<iframe src=//evil.example></iframe>",
])
def test_rendering_lets_no_raw_html_or_script_link_through(markdown):
    html = render.to_html(markdown)
    assert "<script" not in html and "<img src=\"x\"" not in html and "<iframe" not in html
    assert "href=\"javascript" not in html.lower() and "src=\"javascript" not in html.lower()
    assert "href=\"vbscript" not in html and "href=\"data:" not in html


def test_rendering_keeps_markdown_and_safe_links():
    html = render.to_html("# Fix\n\nRestart the **printer**: [guide](https://example.com/a?b=1&c=2)")
    assert "<h1>Fix</h1>" in html and "<strong>printer</strong>" in html
    assert '<a href="https://example.com/a?b=1&amp;c=2">guide</a>' in html


def test_a_written_article_stores_its_escaped_html(db):
    article = kb.write(db, AGENT_A, body="Hi <script>alert(1)</script> [x](javascript:alert(1))")
    assert "&lt;script&gt;" in article["body_html"] and "<script" not in article["body_html"]
    assert 'href="javascript' not in article["body_html"]


# --- tokens ---------------------------------------------------------------------------------

def test_chinese_is_indexed_by_characters_and_bigrams_and_queried_by_bigrams():
    tokens = search.document_tokens(CHINESE)
    assert {"打", "打印", "印机", "网络", "网"} <= set(tokens)
    assert search.query_tokens("打印机") == ["打印", "印机"]
    assert search.query_tokens("网") == ["网"]
    assert search.query_tokens("Printer ＰＲＩＮＴＥＲ, 网络!") == ["printer", "网络"]
    assert search.query_tokens("  ---  ") == []


# --- articles -------------------------------------------------------------------------------

def test_an_agent_writes_a_draft_and_publishes_it(db):
    article = kb.write(db, AGENT_A, title="  Printer offline ", category="hardware",
                       tags=["printer", "network", "printer"])
    assert (article["status"], article["author_id"], article["title"]) == (
        "draft", AGENT_A.user_id, "Printer offline")
    assert article["tags"] == ["network", "printer"] and article["published_at"] is None
    assert "<strong>printer</strong>" in article["body_html"]
    published = kb.move(db, SUPPORT_MANAGER, article["id"], "published")
    assert published["status"] == "published" and published["published_at"] is not None
    assert [name for name, _ in events(db)][-2:] == ["kb_article_created",
                                                     "kb_article_status_changed"]
    created = events(db, "kb_article_created")[0][1]
    assert "body" not in created and created["status"] == "draft"
    assert events(db, "kb_article_status_changed")[0][1]["to_status"] == "published"


def test_the_same_status_again_is_a_409_that_changes_nothing(db):
    article = kb.published(db, AGENT_A)
    before = snapshot(db)
    with pytest.raises(Conflict):
        kb.move(db, AGENT_A, article["id"], "published")
    assert snapshot(db) == before
    assert kb.move(db, AGENT_A, article["id"], "draft")["status"] == "draft"
    with pytest.raises(Conflict):
        kb.move(db, AGENT_A, article["id"], "draft")


def test_bad_input_is_a_422_that_writes_nothing(db):
    before = snapshot(db)
    for data in ({"title": ""}, {"title": "   "}, {"body": None}, {"status": "draft"},
                 {"tags": ["x"] * 21}, {"title": "x" * 201}, {"body": "x" * 20_001},
                 {"body": "a\x00b"}):
        with pytest.raises(Invalid):
            kb.write(db, AGENT_A, **data)
    article = kb.write(db, AGENT_A)
    before = snapshot(db)
    for data in ({"title": None}, {"body": ""}, {"author_id": "u-x"}):
        with pytest.raises(Invalid):
            kb.update(db, AGENT_A, article["id"], **data)
    with pytest.raises(Invalid):
        kb.move(db, AGENT_A, article["id"], "archived")
    assert snapshot(db) == before


def test_an_update_rerenders_and_reindexes_only_when_something_changed(db):
    article = kb.write(db, AGENT_A, body="old words")
    events_before = len(events(db))
    same = kb.update(db, AGENT_A, article["id"], body="old words")
    assert same["updated_at"] == article["updated_at"] and len(events(db)) == events_before
    changed = kb.update(db, AGENT_B, article["id"], body="*new* 网络")
    assert "<em>new</em>" in changed["body_html"]
    assert events(db, "kb_article_updated")[0][1]["changed"] == ["body"]
    kb.move(db, AGENT_A, article["id"], "published")
    assert [hit["id"] for hit in kb.search(db, REP, "网络")["items"]] == [article["id"]]
    assert kb.search(db, REP, "old")["items"] == []


def test_readers_see_published_articles_and_drafts_stay_with_writers(db):
    draft = kb.write(db, AGENT_A, title="Draft")
    public = kb.published(db, AGENT_B, title="Public")
    for reader in (REP,):
        assert [a["id"] for a in kb.listing(db, reader)["items"]] == [public["id"]]
        with pytest.raises(NotFound):
            kb.get(db, reader, draft["id"])
        assert kb.listing(db, reader, status="draft")["items"] == []
    for writer in (AGENT_B, SUPPORT_MANAGER, ADMIN):
        assert {a["id"] for a in kb.listing(db, writer)["items"]} == {draft["id"], public["id"]}
        assert kb.get(db, writer, draft["id"])["status"] == "draft"
    assert [a["id"] for a in kb.listing(db, AGENT_A, status="draft")["items"]] == [draft["id"]]


def test_roles_as_the_entrypoints_require_them():
    from services.service_desk import roles
    assert set(roles.KB_WRITE) == {"agent", "support_manager"}
    assert set(roles.KB_READ) == {"agent", "support_manager", "sales_rep"}
    assert MARKETER.role not in roles.KB_READ and SALES_MANAGER.role not in roles.KB_READ


def test_lists_are_paginated_and_filtered(db):
    ids = [kb.published(db, AGENT_A, title=f"A{i}", category="hardware" if i % 2 else None,
                        tags=["even"] if i % 2 == 0 else [])["id"] for i in range(5)]
    first = kb.listing(db, REP, limit=2)
    second = kb.listing(db, REP, limit=2, cursor=first["next_cursor"])
    third = kb.listing(db, REP, limit=2, cursor=second["next_cursor"])
    got = [a["id"] for page in (first, second, third) for a in page["items"]]
    assert sorted(got) == sorted(ids) and len(set(got)) == 5 and third["next_cursor"] is None
    assert {a["title"] for a in kb.listing(db, REP, category="hardware")["items"]} == {"A1", "A3"}
    assert {a["title"] for a in kb.listing(db, REP, tag="even")["items"]} == {"A0", "A2", "A4"}


# --- search ---------------------------------------------------------------------------------

def test_chinese_text_is_found_by_its_words(db):
    article = kb.published(db, AGENT_A, title="网络问题", body=CHINESE)
    kb.published(db, AGENT_A, title="Other", body="扫描仪卡纸")
    for query in ("打印机", "网络", "连接", "打印机 网络", "网", "无法连接"):
        assert [hit["id"] for hit in kb.search(db, REP, query)["items"]] == [article["id"]], query
    assert kb.search(db, REP, "打印纸")["items"] == []       # 印纸 is not in the text
    assert kb.search(db, REP, "打印机 扫描仪")["items"] == []  # AND: both must match


def test_words_must_all_match_and_titles_rank_higher(db):
    in_body = kb.published(db, AGENT_A, title="Network", body="The printer is offline.")
    in_title = kb.published(db, AGENT_A, title="Printer offline", body="Check the cable.")
    kb.published(db, AGENT_A, title="Scanner", body="offline")
    hits = kb.search(db, REP, "PRINTER Offline")["items"]
    assert [hit["id"] for hit in hits] == [in_title["id"], in_body["id"]]
    assert hits[0]["score"] > hits[1]["score"]


def test_search_hides_drafts_from_readers_and_pages(db):
    draft = kb.write(db, AGENT_A, title="printer draft")
    ids = [kb.published(db, AGENT_A, title=f"printer {i}")["id"] for i in range(3)]
    assert draft["id"] not in [hit["id"] for hit in kb.search(db, REP, "printer")["items"]]
    assert draft["id"] in [hit["id"] for hit in kb.search(db, AGENT_B, "printer")["items"]]
    first = kb.search(db, REP, "printer", limit=2)
    second = kb.search(db, REP, "printer", limit=2, cursor=first["next_cursor"])
    assert sorted(h["id"] for h in first["items"] + second["items"]) == sorted(ids)
    assert second["next_cursor"] is None
    with pytest.raises(Invalid):           # a cursor is bound to its query
        kb.search(db, REP, "offline", cursor=first["next_cursor"])


@pytest.mark.parametrize("query, field", [
    ("", "q"), ("x" * 201, "q"), ("  !!! ", "q"), (" ".join(f"w{i}" for i in range(33)), "q")])
def test_a_bad_query_is_a_precise_422(db, query, field):
    with pytest.raises(Invalid) as raised:
        kb.search(db, REP, query)
    assert field in raised.value.details


def test_a_missing_query_is_a_422(db):
    with db.read_only() as session, pytest.raises(Invalid) as raised:
        from services.service_desk.knowledge.handlers import finding
        finding.search_articles(session, REP, {})
    assert "q" in raised.value.details


# --- feedback -------------------------------------------------------------------------------

def test_one_changeable_vote_per_reader_and_article(db):
    article = kb.published(db, AGENT_A)
    kb.vote(db, REP, article["id"], True)
    again = kb.vote(db, REP, article["id"], True)
    assert (again["helpful_yes"], again["helpful_no"], again["my_vote"]) == (1, 0, True)
    kb.vote(db, AGENT_B, article["id"], True)
    changed = kb.vote(db, REP, article["id"], False)
    assert (changed["helpful_yes"], changed["helpful_no"], changed["my_vote"]) == (1, 1, False)
    assert kb.get(db, AGENT_B, article["id"])["my_vote"] is True
    assert kb.get(db, SUPPORT_MANAGER, article["id"])["my_vote"] is None
    assert count(db, ArticleFeedback) == 2


def test_feedback_on_a_draft_or_not_boolean_changes_nothing(db):
    draft = kb.write(db, AGENT_A)
    public = kb.published(db, AGENT_A)
    before = snapshot(db)
    with pytest.raises(Conflict):
        kb.vote(db, AGENT_B, draft["id"], True)
    with pytest.raises(NotFound):
        kb.vote(db, REP, draft["id"], True)
    with pytest.raises(Invalid):
        kb.vote(db, REP, public["id"], "yes")
    assert snapshot(db) == before


# --- suggestions and solutions --------------------------------------------------------------

def test_suggestions_for_a_ticket_come_from_its_subject(db):
    best = kb.published(db, AGENT_A, title="打印机无法连接网络", body="重启路由器")
    partial = kb.published(db, AGENT_A, title="网络设置", body="Wi-Fi")
    kb.write(db, AGENT_A, title="打印机 网络 draft")                        # a draft: never
    kb.published(db, AGENT_A, title="Unrelated", body="invoice")
    ticket = ops.create_ticket(db, AGENT_A, subject="我的打印机连接不上网络")
    hits = kb.suggest(db, AGENT_A, ticket["id"])["items"]
    assert [hit["id"] for hit in hits] == [best["id"], partial["id"]]
    assert len(kb.suggest(db, AGENT_A, ticket["id"], limit=1)["items"]) == 1
    with pytest.raises(NotFound):                       # not in agent B's queue
        kb.suggest(db, AGENT_B, ticket["id"])


def test_linking_an_article_as_a_tickets_solution(db):
    article = kb.published(db, AGENT_A)
    other = kb.published(db, AGENT_A, title="Other")
    ticket = ops.create_ticket(db, AGENT_A)
    solution = kb.link(db, AGENT_A, article["id"], ticket["id"])
    assert (solution["ticket_id"], solution["article_id"]) == (ticket["id"], article["id"])
    before = snapshot(db)
    kb.link(db, AGENT_A, article["id"], ticket["id"])          # the same link: nothing new
    assert snapshot(db) == before
    kb.link(db, SUPPORT_MANAGER, other["id"], ticket["id"])
    linked = [payload for _, payload in events(db, "ticket_solution_linked")]
    assert [(p["article_id"], p["previous_article_id"]) for p in linked] == [
        (article["id"], None), (other["id"], article["id"])]
    history = ops.history(db, AGENT_A, ticket["id"])["items"]
    assert [h["changes"] for h in history if h["action"] == "solution_linked"] == [
        {"solution_article_id": [None, article["id"]]},
        {"solution_article_id": [article["id"], other["id"]]}]


def test_a_draft_or_someone_elses_ticket_is_refused(db):
    draft = kb.write(db, AGENT_A)
    article = kb.published(db, AGENT_A)
    ticket = ops.create_ticket(db, AGENT_A)
    before = snapshot(db)
    with pytest.raises(Conflict):
        kb.link(db, AGENT_A, draft["id"], ticket["id"])
    with pytest.raises(NotFound):
        kb.link(db, AGENT_B, article["id"], ticket["id"])
    with pytest.raises(NotFound):
        kb.link(db, AGENT_A, article["id"], "no-such-ticket")
    assert snapshot(db) == before
