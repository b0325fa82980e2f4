"""Templates' RPC inputs (validated here; the tokens by templates/rendering.py, per field and
line) and outputs; the gateway names them ("marketing:EmailTemplate", ...)."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Input, page_cursor, page_limit, text

TOKENS_DOC = ("Jinja2 syntax, rendered in a sandbox: {{ contact.first_name | default(\"there\") }}, "
              "contact.last_name / name / email / company / region / industry / tags ..., "
              "{{ unsubscribe_url }}; see docs/contracts.md#marketing")
MAX_SUBJECT, MAX_BODY = 500, 200_000


def _body(length, description, required):
    return text(length, required=required, multiline=True, metadata={"description": description})


class TemplateCreate(Input):
    name = text(200, required=True)
    description = text(2000, multiline=True)
    subject = text(MAX_SUBJECT, required=True, metadata={"description": TOKENS_DOC})
    html = _body(MAX_BODY, "the HTML body (autoescaped: a token's value is shown, never "
                           "interpreted as HTML)", True)
    text = _body(MAX_BODY, "the plain-text body (sent alongside the HTML)", True)


class TemplateUpdate(TemplateCreate):
    """Any of the fields (partial)."""


class EmailTemplate(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(allow_none=True)
    subject = fields.String(required=True)
    html = fields.String(required=True)
    text = fields.String(required=True)
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_by = fields.String(required=True)
    updated_at = fields.DateTime(required=True)


class TemplateQuery(Input):
    cursor = page_cursor()
    limit = page_limit()


class PreviewQuery(Input):
    contact_id = text(36, metadata={
        "description": "render for this contact of the audience (none: every token's default)"})


class RenderedEmail(Schema):
    template_id = fields.String(required=True)
    contact_id = fields.String(allow_none=True)
    subject = fields.String(required=True)
    html = fields.String(required=True)
    text = fields.String(required=True)


class TestSend(Input):
    to = fields.Email(required=True, validate=validate.Length(max=254), metadata={
        "description": "where the test goes (your own address; consent does not apply)"})
    contact_id = text(36, metadata={
        "description": "render for this contact of the audience (none: every token's default)"})


class TestSent(Schema):
    template_id = fields.String(required=True)
    contact_id = fields.String(allow_none=True)
    to = fields.String(required=True)
    subject = fields.String(required=True)
    message_id = fields.String(required=True)
