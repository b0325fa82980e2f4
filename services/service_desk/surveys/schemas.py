"""Surveys' inputs (validated here; unknown fields refused) and outputs; the gateway names them
("service_desk:SurveyAnswer", ...)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import Boolean, Input, page_cursor, page_limit, text
from services.service_desk.surveys.models import ANSWERED, PENDING, SENT

STARS_TO_SCORE = {1: 0, 2: 25, 3: 50, 4: 75, 5: 100}
MAX_COMMENT = 2000


class SurveyAnswer(Input):
    """Exactly one of `score` and `stars`."""
    score = fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 100),
                           metadata={"description": "0 (very unhappy) to 100 (delighted)"})
    stars = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1, 5),
                           metadata={"description": "1 to 5 stars, scored 0, 25, 50, 75, 100"})
    comment = text(MAX_COMMENT, multiline=True)

    @validates_schema
    def _one_rating(self, data, **kwargs):
        given = [name for name in ("score", "stars") if data.get(name) is not None]
        if len(given) != 1:
            raise ValidationError("Give exactly one of score (0–100) and stars (1–5).", "score")


class SurveyPageAnswer(Input):
    """What the survey page's form posts (the gateway turns the form's "4" into 4 and answers
    through SurveyAnswer; documentation of the page's body)."""
    stars = fields.Integer(strict=True, required=True, validate=validate.Range(1, 5),
                           metadata={"description": "1 to 5 stars, scored 0, 25, 50, 75, 100"})
    comment = text(MAX_COMMENT, multiline=True)


class PublicSurvey(Schema):
    """What the survey's link shows the customer: nothing about them beyond the ticket's
    subject; the answer once given."""
    ticket_subject = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "description": "open (waiting for the answer) | answered"})
    score = fields.Integer(allow_none=True)
    stars = fields.Integer(allow_none=True)
    comment = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(required=True)


class SurveyQuery(Input):
    ticket_id = fields.String(validate=validate.Length(min=1, max=36))
    customer_id = fields.String(validate=validate.Length(min=1, max=36))
    status = fields.String(validate=validate.OneOf((PENDING, SENT, ANSWERED)))
    escalated = Boolean(metadata={"description": "only those escalated (true) or not"})
    cursor = page_cursor()
    limit = page_limit()


class Survey(Schema):
    id = fields.String(required=True)
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True)
    resolved_at = fields.DateTime(required=True)
    agent_id = fields.String(allow_none=True)
    team_id = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    priority = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "description": "pending (mail queued or no address) | sent | answered"})
    address = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    sent_at = fields.DateTime(allow_none=True)
    score = fields.Integer(allow_none=True)
    stars = fields.Integer(allow_none=True)
    comment = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    escalated_to = fields.String(allow_none=True)
    escalated_at = fields.DateTime(allow_none=True)
