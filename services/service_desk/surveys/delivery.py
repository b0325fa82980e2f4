"""A survey's invitation accepted by the mail server (email_channel/outbound.py calls this in
the transaction that marks the mail sent): the survey is `sent` — unless the customer answered
already, which stays — and survey_sent is published once (the mail row is sent once)."""
from services.service_desk import metrics
from services.service_desk.surveys.models import PENDING, SENT, TicketSurvey


def mailed(uow, survey_id, sent_at):
    survey = uow.session.get(TicketSurvey, survey_id, with_for_update=True)
    if survey is None or survey.sent_at is not None:
        return
    survey.sent_at = sent_at
    if survey.status == PENDING:
        survey.status = SENT
    uow.emit("survey_sent", {"survey_id": survey.id, "ticket_id": survey.ticket_id,
                             "customer_id": survey.customer_id, "sent_at": sent_at,
                             "resolved_at": survey.resolved_at})
    metrics.survey("sent")
