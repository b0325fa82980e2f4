"""Responses' inputs (a public form's and a marketer's) and output; the gateway names them
("marketing:FormResponse", ...)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import Boolean, Input, page_cursor, page_limit, text
from services.chassis.fields import phone as phone_number

HONEYPOT = "website_url"


class ResponseFields(Input):
    name = text(200)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    company = text(200)
    phone = fields.String(allow_none=True,
                          validate=[validate.Length(min=1, max=40), phone_number])
    message = text(2000, multiline=True)

    @validates_schema
    def _someone(self, data, **kwargs):
        if not data.get("email") and not data.get("phone"):
            raise ValidationError("An email address or a phone number is needed to answer.",
                                  "email")


class FormResponse(ResponseFields):
    """What the campaign's public form sends. `website_url` is a honeypot: a field the page
    hides from people, so only a robot fills it in."""
    website_url = fields.String(allow_none=True, validate=validate.Length(max=2048),
                                metadata={"description": "leave empty (hidden from people)"})


class ManualResponse(ResponseFields):
    create_lead = Boolean(load_default=True, metadata={
        "description": "sales creates a lead from it, attributed to the campaign (default)"})


class Response(Schema):
    id = fields.String(required=True)
    campaign_id = fields.String(required=True)
    source = fields.String(required=True, validate=validate.OneOf(("form", "manual")))
    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    company = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    message = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True, metadata={
        "description": "the audience contact whose email it is, if any"})
    customer_id = fields.String(allow_none=True)
    create_lead = fields.Boolean(required=True)
    recorded_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


class FormAccepted(Schema):
    received = fields.Boolean(required=True)


class ResponseQuery(Input):
    cursor = page_cursor()
    limit = page_limit()
