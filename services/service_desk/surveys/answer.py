"""The survey's public side (no login: the signed link is the proof — surveys/tokens.py):

- `show`: what the link shows (the ticket's subject, whether it was answered and how);
- `answer`: a score 0–100 or 1–5 stars (scored 0, 25, 50, 75, 100) and an optional comment.
  The first answer wins: the same answer again (a double click, a retried request) is answered
  as the first was, changing nothing; a different one is a 409 naming the answer that stands.
  A score below SERVICE_DESK_SURVEY_SCORE_THRESHOLD (default 80) escalates — in the same
  transaction — to the supervisor (directory/users.py supervisor_of): the ticket's history
  records it, the ticket's scheduled A-class visit gives way to a follow-up visit of the
  supervisor's (low_score, due SERVICE_DESK_FOLLOWUP_DELAY_DAYS after the resolution), the
  supervisor gets a notice by mail at the next business moment (email_channel/notices.py), and
  survey_escalated names both.

A forged or altered token, or one whose survey does not exist, is a 404; an expired link (past
SERVICE_DESK_SURVEY_VALID_DAYS after the resolution, not answered) a 410. Nothing changes on
any refusal.
"""
from sqlalchemy import select

from services.chassis.errors import Conflict, Gone, NotFound
from services.chassis.validation import load
from services.service_desk import metrics, settings
from services.service_desk.directory.users import supervisor_of
from services.service_desk.email_channel.notices import notify_supervisor
from services.service_desk.followups import schedule
from services.service_desk.followups.models import LOW_SCORE
from services.service_desk.surveys import schemas, tokens
from services.service_desk.surveys.models import ANSWERED, TicketSurvey
from services.service_desk.tickets.handlers.record import record_change
from services.service_desk.tickets.models import Ticket

PUBLIC = schemas.PublicSurvey()


def _survey(session, token, for_write=False):
    survey_id = tokens.read(token)
    query = select(TicketSurvey).where(TicketSurvey.id == survey_id)
    survey = session.scalar(query.with_for_update() if for_write else query) \
        if survey_id else None
    if survey is None:
        raise NotFound("No such survey: the link is not valid.", {})
    return survey


def _view(session, survey):
    subject = session.scalar(select(Ticket.subject).where(Ticket.id == survey.ticket_id))
    return PUBLIC.dump({"ticket_subject": subject or "", "status": "answered"
                        if survey.status == ANSWERED else "open",
                        "score": survey.score, "stars": survey.stars, "comment": survey.comment,
                        "answered_at": survey.answered_at, "expires_at": survey.expires_at})


def _refuse_if_expired(survey, now):
    if survey.status != ANSWERED and now >= survey.expires_at:
        raise Gone("This survey has expired.", {"expired_at": survey.expires_at.isoformat()})


def show(session, token, now):
    survey = _survey(session, token)
    _refuse_if_expired(survey, now)
    return _view(session, survey)


def answer(uow, token, data, now):
    session = uow.session
    survey = _survey(session, token, for_write=True)     # a bad link is a 404 whatever is sent
    fields = load(schemas.SurveyAnswer, data)
    stars = fields.get("stars")
    score = schemas.STARS_TO_SCORE[stars] if stars is not None else fields["score"]
    comment = (fields.get("comment") or "").strip() or None
    if survey.status == ANSWERED:
        if (survey.score, survey.stars, survey.comment) == (score, stars, comment):
            return _view(session, survey)             # the same answer again: as the first
        raise Conflict("This survey was answered already; the first answer stands.",
                       {"score": survey.score, "answered_at": survey.answered_at.isoformat()})
    _refuse_if_expired(survey, now)
    survey.status, survey.score, survey.stars, survey.comment = ANSWERED, score, stars, comment
    survey.answered_at = now
    uow.emit("survey_answered", {
        "survey_id": survey.id, "ticket_id": survey.ticket_id,
        "customer_id": survey.customer_id, "agent_id": survey.agent_id,
        "team_id": survey.team_id, "category": survey.category, "priority": survey.priority,
        "score": score, "stars": stars, "comment": comment, "resolved_at": survey.resolved_at,
        "answered_at": now})
    metrics.survey("answered")
    threshold = settings.survey_score_threshold()
    if score < threshold:
        _escalate(uow, survey, threshold, now)
        metrics.survey("escalated")
    session.flush()
    return _view(session, survey)


def _escalate(uow, survey, threshold, now):
    session = uow.session
    supervisor = supervisor_of(session, survey.team_id, survey.agent_id)
    survey.escalated_to, survey.escalated_at = supervisor, now
    ticket = session.scalar(select(Ticket).where(Ticket.id == survey.ticket_id)
                            .with_for_update())
    if ticket is not None:
        record_change(uow, ticket, "survey_escalated", {"survey_score": (None, survey.score)},
                      "system", reason=f"satisfaction score below {threshold}", at=now)
        notify_supervisor(uow, ticket, f"low-score/{survey.id}",
                          f"Low satisfaction ({survey.score}/100): {ticket.subject}",
                          [f"The customer scored this ticket {survey.score} of 100 (below "
                           f"{threshold}).", f"Comment: {survey.comment or '(none)'}",
                           "A follow-up visit is scheduled."], now,
                          agent_id=survey.agent_id)
    schedule.cancel_class_visits(uow, survey.ticket_id, "superseded_by_low_score", now)
    visit = schedule.schedule(
        uow, origin=f"{LOW_SCORE}:{survey.id}", ticket_id=survey.ticket_id,
        customer_id=survey.customer_id, reason=LOW_SCORE,
        due_at=schedule.due_after(survey.resolved_at), assignee_id=supervisor or survey.agent_id,
        team_id=survey.team_id, actor="system", now=now, survey_id=survey.id,
        note=f"Satisfaction score {survey.score} (below {threshold})"
             + (f": {survey.comment}" if survey.comment else ""))
    uow.emit("survey_escalated", {
        "survey_id": survey.id, "ticket_id": survey.ticket_id,
        "customer_id": survey.customer_id, "supervisor_id": supervisor, "score": survey.score,
        "threshold": threshold, "team_id": survey.team_id, "agent_id": survey.agent_id,
        "followup_id": visit.id if visit else None, "escalated_at": now})
