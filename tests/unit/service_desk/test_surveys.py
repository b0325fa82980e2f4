"""Satisfaction surveys (issue 12 §7) on the real service desk database (SQLite): a resolution
makes one survey and queues its mail with a signed link (the email channel's timer sends it and
marks the survey sent, once); the public link shows it and takes one answer — a score or stars
mapped to 0–100 — the same answer again is harmless, another is a 409, forged / expired links
404 / 410, bad input 422, and nothing changes on a refusal; a score below the threshold
escalates to the supervisor with a low-score follow-up visit in place of the A-class one."""
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY

from services.chassis.errors import Conflict, Gone, Invalid, NotFound
from services.service_desk.directory.users import supervisor_of
from services.service_desk.email_channel import inbound, outbound
from services.service_desk.email_channel.models import TicketMail
from services.service_desk.surveys import tokens
from services.service_desk.surveys.models import TicketSurvey
from tests.unit.service_desk import ops
from tests.unit.service_desk.support import (AGENT_A, AGENT_B, OTHER_REP, REP, SUPPORT_MANAGER,
                                             apply, count, customer, events, seeded_db, user)
from tests.unit.service_desk.survey_ops import (followups_of, give, list_surveys,
                                                resolved_ticket, rows, show, survey_mail,
                                                surveys_of, token_of)


@pytest.fixture
def db(monkeypatch):
    monkeypatch.setenv("SMTP_FROM", "Support <support@desk.example>")
    monkeypatch.setenv("SERVICE_DESK_SURVEY_BASE_URL", "https://crm.example")
    return seeded_db()


def answered_at(db, ticket_id, days=1):
    return surveys_of(db, ticket_id)[-1].resolved_at + timedelta(days=days)


def test_a_resolution_makes_one_survey_and_queues_its_mail_with_a_signed_link(db):
    ticket_id = resolved_ticket(db)
    [survey] = surveys_of(db, ticket_id)
    assert (survey.status, survey.customer_id, survey.agent_id, survey.team_id, survey.category,
            survey.priority, survey.address) == ("pending", "c-1", AGENT_A.user_id,
                                                 "t-support-a", "billing", "medium",
                                                 "info@acme.example")
    assert survey.expires_at - survey.resolved_at == timedelta(days=30)
    [mail] = survey_mail(db, ticket_id)
    assert mail.survey_id == survey.id and mail.address == "info@acme.example"
    assert mail.subject.startswith("How did we do? ") and f"[#T-{ticket_id}]" in mail.subject
    assert f"https://crm.example/api/v1/service-desk/surveys/{tokens.sign(survey.id)}" in mail.body
    assert tokens.read(token_of(db, ticket_id)) == survey.id
    ops.move(db, AGENT_A, ticket_id, "closed")        # the same resolution, closed for good
    assert len(surveys_of(db, ticket_id)) == 1 and len(survey_mail(db, ticket_id)) == 1


def test_the_mail_sent_marks_the_survey_sent_once(db):
    ticket_id = resolved_ticket(db)
    sent = []
    assert outbound.send_due(db, send=sent.append)["sent"] == 1
    assert outbound.send_due(db, send=sent.append)["sent"] == 0
    [survey] = surveys_of(db, ticket_id)
    assert survey.status == "sent" and survey.sent_at is not None
    [(_, payload)] = events(db, "survey_sent")
    assert payload == {"survey_id": survey.id, "ticket_id": ticket_id, "customer_id": "c-1",
                       "sent_at": payload["sent_at"],
                       "resolved_at": survey.resolved_at.isoformat()}
    assert str(sent[0]["To"]) == "info@acme.example"


def test_reopened_and_resolved_again_is_a_second_survey_and_the_class_visit_moves(db):
    ticket_id = resolved_ticket(db)
    [first_visit] = followups_of(db, ticket_id)
    ops.reply(db, AGENT_A, ticket_id, body="Still broken", from_customer=True)   # reopens
    assert followups_of(db, ticket_id)[0].status == "cancelled"
    assert events(db, "followup_cancelled")[0][1]["reason"] == "ticket_reopened"
    ops.move(db, AGENT_A, ticket_id, "resolved")
    assert len(surveys_of(db, ticket_id)) == 2 and len(survey_mail(db, ticket_id)) == 2
    visits = followups_of(db, ticket_id)
    assert [v.status for v in visits] == ["cancelled", "scheduled"]
    assert visits[1].id != first_visit.id


def test_a_merged_duplicate_gets_no_survey(db):
    first = ops.create_ticket(db, AGENT_A)["id"]
    duplicate = ops.create_ticket(db, AGENT_A)["id"]
    ops.merge_into(db, AGENT_A, duplicate, first)
    assert surveys_of(db, duplicate) == [] and followups_of(db, duplicate) == []


def test_an_a_class_customer_gets_a_visit_seven_days_after_the_resolution(db):
    ticket_id = resolved_ticket(db)
    [visit] = followups_of(db, ticket_id)
    resolved_at = surveys_of(db, ticket_id)[0].resolved_at
    assert (visit.reason, visit.assignee_id, visit.status, visit.due_at) == (
        "a_class", AGENT_A.user_id, "scheduled", resolved_at + timedelta(days=7))
    [(_, payload)] = events(db, "followup_scheduled")
    assert {k: payload[k] for k in ("followup_id", "ticket_id", "customer_id", "assignee_id",
                                    "reason")} == {
        "followup_id": visit.id, "ticket_id": ticket_id, "customer_id": "c-1",
        "assignee_id": AGENT_A.user_id, "reason": "a_class"}


def test_a_b_class_customer_gets_no_visit_unless_unhappy(db):
    apply(db, db.logs["customers"].emit("customer_created", customer(
        id="c-3", name="Initech", email="it@initech.example", value_class="B")))
    ticket_id = resolved_ticket(db, customer_id="c-3")
    assert followups_of(db, ticket_id) == []
    give(db, token_of(db, ticket_id), answered_at(db, ticket_id), score=90)
    assert followups_of(db, ticket_id) == []


@pytest.mark.parametrize("stars, score", [(1, 0), (2, 25), (3, 50), (4, 75), (5, 100)])
def test_stars_are_scored_0_to_100(db, stars, score):
    ticket_id = resolved_ticket(db)
    view = give(db, token_of(db, ticket_id), answered_at(db, ticket_id), stars=stars)
    assert (view["status"], view["score"], view["stars"]) == ("answered", score, stars)
    assert events(db, "survey_answered")[0][1]["score"] == score


def test_a_happy_answer_is_published_and_not_escalated(db):
    ticket_id = resolved_ticket(db)
    token, now = token_of(db, ticket_id), answered_at(db, ticket_id)
    assert show(db, token, now)["status"] == "open"
    view = give(db, token, now, score=92, comment="  Quick and kind.  ")
    assert (view["score"], view["comment"], view["ticket_subject"]) == (
        92, "Quick and kind.", "Printer on fire")
    [(_, payload)] = events(db, "survey_answered")
    survey = surveys_of(db, ticket_id)[0]
    assert payload == {
        "survey_id": survey.id, "ticket_id": ticket_id, "customer_id": "c-1",
        "agent_id": AGENT_A.user_id, "team_id": "t-support-a", "category": "billing",
        "priority": "medium", "score": 92, "stars": None, "comment": "Quick and kind.",
        "resolved_at": survey.resolved_at.isoformat(), "answered_at": now.isoformat()}
    assert events(db, "survey_escalated") == []
    assert [v.reason for v in followups_of(db, ticket_id)] == ["a_class"]


def test_a_low_score_escalates_to_the_supervisor_with_a_follow_up_visit(db):
    ticket_id = resolved_ticket(db)
    now = answered_at(db, ticket_id)
    give(db, token_of(db, ticket_id), now, score=60, comment="Slow.")
    survey = surveys_of(db, ticket_id)[0]
    assert (survey.escalated_to, survey.escalated_at) == (SUPPORT_MANAGER.user_id, now)
    class_visit, low = followups_of(db, ticket_id)
    assert (class_visit.reason, class_visit.status, class_visit.cancel_reason) == (
        "a_class", "cancelled", "superseded_by_low_score")
    assert (low.reason, low.status, low.assignee_id, low.survey_id, low.due_at) == (
        "low_score", "scheduled", SUPPORT_MANAGER.user_id, survey.id,
        survey.resolved_at + timedelta(days=7))
    [(_, escalated)] = events(db, "survey_escalated")
    assert {k: escalated[k] for k in ("survey_id", "ticket_id", "customer_id", "supervisor_id",
                                      "score", "threshold", "followup_id")} == {
        "survey_id": survey.id, "ticket_id": ticket_id, "customer_id": "c-1",
        "supervisor_id": SUPPORT_MANAGER.user_id, "score": 60, "threshold": 80,
        "followup_id": low.id}
    assert [p["reason"] for _, p in events(db, "followup_scheduled")] == ["a_class", "low_score"]
    history = ops.history(db, SUPPORT_MANAGER, ticket_id)["items"]
    assert history[-1]["action"] == "survey_escalated"
    assert history[-1]["changes"] == {"survey_score": [None, 60]}


def test_the_supervisor_gets_a_notice_at_the_next_business_moment_outside_any_thread(db):
    ticket_id = resolved_ticket(db)
    resolved = surveys_of(db, ticket_id)[0].resolved_at
    saturday = (resolved + timedelta(days=(5 - resolved.weekday()) % 7 or 7)).replace(
        hour=3, minute=0, second=0, microsecond=0)                  # the weekend: nobody works
    give(db, token_of(db, ticket_id), saturday, score=20, comment="Rude.")
    [notice] = [row for row in rows(db, TicketMail) if row.ticket_id is None]
    assert notice.address == f"{SUPPORT_MANAGER.user_id}@crm.example"
    assert notice.next_attempt_at == saturday + timedelta(days=2, hours=6)   # Monday 09:00 UTC
    assert notice.subject.startswith("Low satisfaction (20/100): ") and "[#T-" not in notice.subject
    assert "Comment: Rude." in notice.body and ticket_id in notice.body
    sent = []
    outbound.send_due(db, now=saturday + timedelta(hours=1), send=sent.append)
    assert notice.message_id not in [message["Message-ID"] for message in sent]
    outbound.send_due(db, now=saturday + timedelta(days=2, hours=6), send=sent.append)
    assert sent[-1]["Message-ID"] == notice.message_id
    # the supervisor answering the notice is no customer's reply on the ticket
    answer = ("From: u-sm@crm.example\r\nSubject: Re: notice\r\nMessage-ID: <sm-1@crm.example>"
              f"\r\nIn-Reply-To: {notice.message_id}\r\n\r\nOn it.")
    with db.unit_of_work(actor="inbound_email") as uow:
        assert inbound.receive(uow, {"raw": answer})["outcome"] == "unmatched"


def test_the_threshold_is_a_setting(db, monkeypatch):
    monkeypatch.setenv("SERVICE_DESK_SURVEY_SCORE_THRESHOLD", "50")
    ticket_id = resolved_ticket(db)
    give(db, token_of(db, ticket_id), answered_at(db, ticket_id), score=50)
    assert events(db, "survey_escalated") == []


def test_the_first_answer_wins(db):
    ticket_id = resolved_ticket(db)
    token, now = token_of(db, ticket_id), answered_at(db, ticket_id)
    first = give(db, token, now, stars=2, comment="Meh")
    assert give(db, token, now + timedelta(hours=1), stars=2, comment="Meh") == first
    with pytest.raises(Conflict) as refused:
        give(db, token, now, score=100)
    assert refused.value.details["score"] == 25
    assert len(events(db, "survey_answered")) == 1 and len(events(db, "survey_escalated")) == 1
    assert len(followups_of(db, ticket_id)) == 2
    assert show(db, token, now)["score"] == 25


@pytest.mark.parametrize("token", [
    None, 42, "", "junk", "x" * 5000, "eyJzIjoiMSJ9.forged", "..", "%00",
    tokens.sign("no-such-survey")])
def test_forged_junk_or_unknown_links_are_404_and_change_nothing(db, token):
    ticket_id = resolved_ticket(db)
    now = answered_at(db, ticket_id)
    with pytest.raises(NotFound):
        show(db, token, now)
    with pytest.raises(NotFound):
        give(db, token, now, score=10)
    assert surveys_of(db, ticket_id)[0].status == "pending" and events(db, "survey_answered") == []


def test_a_token_of_another_secret_is_404(db, monkeypatch):
    ticket_id = resolved_ticket(db)
    monkeypatch.setenv("SERVICE_DESK_SURVEY_SECRET", "another")
    with pytest.raises(NotFound):
        show(db, token_of(db, ticket_id), answered_at(db, ticket_id))


def test_an_expired_link_is_410_but_its_answer_still_shows(db):
    ticket_id = resolved_ticket(db)
    token, survey = token_of(db, ticket_id), surveys_of(db, ticket_id)[0]
    with pytest.raises(Gone):
        give(db, token, survey.expires_at, score=10)
    with pytest.raises(Gone):
        show(db, token, survey.expires_at)
    assert surveys_of(db, ticket_id)[0].status == "pending"
    give(db, token, survey.expires_at - timedelta(seconds=1), score=95)
    assert show(db, token, survey.expires_at + timedelta(days=1))["score"] == 95


@pytest.mark.parametrize("data, field", [
    ({}, "score"), ({"score": 80, "stars": 4}, "score"), ({"score": 101}, "score"),
    ({"score": -1}, "score"), ({"score": "80"}, "score"), ({"score": 79.5}, "score"),
    ({"score": True}, "score"), ({"stars": 0}, "stars"), ({"stars": 6}, "stars"),
    ({"score": 80, "comment": "x" * 2001}, "comment"), ({"score": 80, "rating": 1}, "rating"),
    ({"score": 80, "comment": "bad\x00"}, "comment")])
def test_bad_answers_are_422_and_change_nothing(db, data, field):
    ticket_id = resolved_ticket(db)
    with pytest.raises(Invalid) as refused:
        give(db, token_of(db, ticket_id), answered_at(db, ticket_id), **data)
    assert field in refused.value.details
    assert surveys_of(db, ticket_id)[0].status == "pending" and events(db, "survey_answered") == []


def test_an_answer_that_is_not_an_object_is_422(db):
    ticket_id = resolved_ticket(db)
    from services.service_desk.surveys import answer
    with db.unit_of_work() as uow, pytest.raises(Invalid):
        answer.answer(uow, token_of(db, ticket_id), ["score", 1], answered_at(db, ticket_id))


def test_the_supervisor_is_the_teams_support_manager_first(db):
    team_lead = user(SUPPORT_MANAGER, id="u-sm-a", team_id="t-support-a")
    apply(db, db.logs["identity"].emit("user_created", team_lead))
    with db.read_only() as session:
        assert supervisor_of(session, "t-support-a", AGENT_A.user_id) == "u-sm-a"
        assert supervisor_of(session, "t-support-b", AGENT_B.user_id) == SUPPORT_MANAGER.user_id
    ticket_id = resolved_ticket(db)
    give(db, token_of(db, ticket_id), answered_at(db, ticket_id), stars=1)
    assert surveys_of(db, ticket_id)[0].escalated_to == "u-sm-a"


def test_survey_lists_follow_the_tickets_scopes(db):
    ticket_id = resolved_ticket(db)
    give(db, token_of(db, ticket_id), answered_at(db, ticket_id), score=30)
    other = resolved_ticket(db, principal=AGENT_B, customer_id="c-2")
    assert {s["ticket_id"] for s in list_surveys(db, SUPPORT_MANAGER)["items"]} == {ticket_id,
                                                                                    other}
    assert [s["ticket_id"] for s in list_surveys(db, AGENT_A)["items"]] == [ticket_id]
    assert [s["ticket_id"] for s in list_surveys(db, REP)["items"]] == [ticket_id]
    assert [s["ticket_id"] for s in list_surveys(db, OTHER_REP)["items"]] == [other]
    assert [s["ticket_id"] for s in list_surveys(db, SUPPORT_MANAGER, escalated=True)[
        "items"]] == [ticket_id]
    assert [s["ticket_id"] for s in list_surveys(db, SUPPORT_MANAGER, status="pending")[
        "items"]] == [other]
    page = list_surveys(db, SUPPORT_MANAGER, limit=1)
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = list_surveys(db, SUPPORT_MANAGER, limit=1, cursor=page["next_cursor"])
    assert rest["items"][0]["id"] != page["items"][0]["id"] and rest["next_cursor"] is None
    assert count(db, TicketSurvey) == 2


def test_a_customer_merge_moves_the_surveys_and_visits_to_the_winner(db):
    ticket_id = resolved_ticket(db, principal=AGENT_B, customer_id="c-2")
    apply(db, db.logs["customers"].emit("customer_merged", {
        "winner_id": "c-1", "loser_id": "c-2", "merged_at": customer()["created_at"],
        "contacts_moved": 1, "interactions_moved": 0, "tags": []}))
    assert surveys_of(db, ticket_id)[0].customer_id == "c-1"
    assert followups_of(db, ticket_id)[0].customer_id == "c-1"
    give(db, token_of(db, ticket_id), answered_at(db, ticket_id), score=95)
    assert events(db, "survey_answered")[0][1]["customer_id"] == "c-1"


def test_surveys_and_visits_are_counted_by_step(db):
    def value(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0
    before = (value("crm_ticket_surveys_total", step="escalated"),
              value("crm_ticket_followups_total", step="scheduled", reason="low_score"))
    ticket_id = resolved_ticket(db)
    give(db, token_of(db, ticket_id), answered_at(db, ticket_id), score=10)
    assert (value("crm_ticket_surveys_total", step="escalated"),
            value("crm_ticket_followups_total", step="scheduled", reason="low_score")) == (
        before[0] + 1, before[1] + 1)
