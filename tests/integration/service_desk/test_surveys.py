"""Satisfaction surveys and follow-up visits over RabbitMQ on a migrated database (SQLite and
PostgreSQL), with the real SMTP server: a ticket resolved through the RPC entrypoints → the
send timer mails the survey (its link signed) → the public answer (no principal) 60 escalates
to the supervisor and replaces the A-class visit with a low-score one → the supervisor
completes it; the same answer again changes nothing, another is refused, a forged token is a
404; every event reaches a consumer off the broker once, as its schema dumps it. And on
PostgreSQL, two replicas answering one survey at the same moment: one answer, one escalation."""
from urllib.parse import urlsplit

import eventlet
import pytest
from nameko.testing.services import entrypoint_hook

from services.chassis.db import make_engine
from services.chassis.errors import Conflict, Invalid, NotFound
from services.service_desk.events import EVENT_SCHEMAS
from services.service_desk.surveys import answer
from services.service_desk.surveys.models import TicketSurvey
from tests.helpers import wait_until
from tests.integration.service_desk.conftest import call
from tests.unit.service_desk.support import (AGENT_A, PEOPLE, SUPPORT_MANAGER, customer, desk_db,
                                             events, seeded_db, user)
from tests.unit.service_desk.survey_ops import followups_of, resolved_ticket, token_of

SURVEY_EVENTS = ("survey_sent", "survey_answered", "survey_escalated", "followup_scheduled",
                 "followup_completed", "followup_cancelled")


def _created(desk):
    try:
        return call(desk, "create_ticket", {"customer_id": "c-1", "subject": "No heat",
                                            "assignee_id": AGENT_A.user_id}, principal=AGENT_A)
    except Invalid:
        return None                      # the customer not in the copy yet


@pytest.mark.dialect_sensitive("one survey per resolution (insert ignoring conflicts), the "
                               "answer's row locks, the mail's sent mark")
def test_resolved_mailed_answered_escalated_and_visited(producers, desk, received, smtp_server,
                                                        monkeypatch):
    monkeypatch.setenv("SMTP_FROM", "Support <support@desk.example>")
    desk.start()
    call(producers["identity"], "publish", [("user_created", user(p)) for p in PEOPLE])
    call(producers["customers"], "publish", [("customer_created", customer())])
    ticket = wait_until(lambda: _created(desk), message="the customer in the copy")
    call(desk, "change_ticket_status", ticket["id"], {"status": "resolved"}, principal=AGENT_A)
    with entrypoint_hook(desk, "send_ticket_mail") as send:
        assert send()["sent"] == 1

    [(envelope, message)] = smtp_server.wait_for(1)
    assert envelope["rcpt_tos"] == ["info@acme.example"]
    assert str(message["Subject"]) == f"How did we do? No heat [#T-{ticket['id']}]"
    link = next(line for line in message.get_content().splitlines() if "/surveys/" in line)
    token = urlsplit(link.strip()).path.split("/surveys/", 1)[1].split("/")[0]

    assert call(desk, "get_survey", token)["status"] == "open"
    with pytest.raises(NotFound):
        call(desk, "get_survey", token[:-2] + "zz")
    with pytest.raises(Invalid):
        call(desk, "answer_survey", token, {"score": 60, "stars": 3})
    first = call(desk, "answer_survey", token, {"score": 60, "comment": "Slow"})
    assert (first["status"], first["score"]) == ("answered", 60)
    assert call(desk, "answer_survey", token, {"score": 60, "comment": "Slow"}) == first
    with pytest.raises(Conflict):
        call(desk, "answer_survey", token, {"stars": 5})

    visits = {v["reason"]: v for v in call(desk, "list_followups", {"ticket_id": ticket["id"]},
                                           principal=SUPPORT_MANAGER)["items"]}
    assert visits["a_class"]["status"] == "cancelled"
    assert visits["low_score"]["assignee_id"] == SUPPORT_MANAGER.user_id
    done = call(desk, "complete_followup", visits["low_score"]["id"],
                {"outcome": "Called, apologised"}, principal=SUPPORT_MANAGER)
    assert done["status"] == "completed"

    expected = ["followup_scheduled", "survey_sent", "survey_answered", "followup_cancelled",
                "followup_scheduled", "survey_escalated", "followup_completed"]

    def ours():
        return sorted((e for e in received if e["event_type"] in SURVEY_EVENTS),
                      key=lambda e: e["sequence"])
    wait_until(lambda: len(ours()) >= len(expected), message="every survey event published")
    assert [e["event_type"] for e in ours()] == expected
    for envelope in ours():
        EVENT_SCHEMAS[envelope["event_type"]].load(envelope["payload"])
    by_type = {e["event_type"]: e["payload"] for e in ours()}
    assert by_type["survey_answered"]["agent_id"] == AGENT_A.user_id
    assert by_type["survey_answered"]["score"] == 60
    assert by_type["survey_escalated"]["supervisor_id"] == SUPPORT_MANAGER.user_id
    assert by_type["followup_completed"]["outcome"] == "Called, apologised"


@pytest.fixture
def replicas(migrated_database):
    url = migrated_database("service_desk", "postgresql")
    engines = [make_engine(url), make_engine(url)]
    yield seeded_db(engines[0]), desk_db(engines[1])
    for engine in engines:
        engine.dispose()


@pytest.mark.postgres
def test_two_replicas_answering_one_survey_at_once_record_one_answer(replicas):
    one, two = replicas

    def give(db, token, data):
        try:
            with db.unit_of_work(actor="customer") as uow:
                return answer.answer(uow, token, data, now)
        except Conflict:
            return "conflict"
    for attempt in range(3):
        ticket_id = resolved_ticket(one, customer_id="c-1", subject=f"Race {attempt}")
        token = token_of(one, ticket_id)
        with one.read_only() as session:
            now = session.get(TicketSurvey, session.query(TicketSurvey.id).filter_by(
                ticket_id=ticket_id).scalar()).resolved_at
        results = [thread.wait() for thread in [
            eventlet.spawn(give, one, token, {"score": 10}),
            eventlet.spawn(give, two, token, {"score": 90})]]
        assert sorted(r if r == "conflict" else "answered" for r in results) == [
            "answered", "conflict"]
        low = [v for v in followups_of(one, ticket_id) if v.reason == "low_score"]
        assert len(low) == (1 if "conflict" == results[1] else 0)
    answered = events(one, "survey_answered")
    assert len(answered) == 3
    assert len(events(one, "survey_escalated")) == sum(p["score"] < 80 for _, p in answered)
