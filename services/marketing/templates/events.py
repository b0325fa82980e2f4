"""email_template_created / _updated / _deleted: a template's identity and subject, who changed
it and when (its contract, docs/contracts.md#marketing). The bodies are not carried: they can
be large, and they are read from marketing (get_template) by whoever needs them."""
from marshmallow import Schema, fields


class TemplateRecord(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    subject = fields.String(required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {name: TemplateRecord() for name in
                 ("email_template_created", "email_template_updated", "email_template_deleted")}
