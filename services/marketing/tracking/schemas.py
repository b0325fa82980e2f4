"""The inbound bounce / complaint webhook's body (an email provider's, or a mail server's
bounce processor): which address, what happened."""
from marshmallow import fields, validate

from services.chassis.fields import Input, text


class InboundReport(Input):
    kind = fields.String(required=True, validate=validate.OneOf(("bounce", "complaint")),
                         metadata={"description": "a permanent bounce or a spam complaint"})
    email = fields.Email(required=True, validate=validate.Length(max=254))
    campaign_id = text(36, metadata={"description": "the campaign the mail was from, if known"})
    detail = text(500, metadata={"description": "the provider's diagnostic, e.g. 550 5.1.1"})
