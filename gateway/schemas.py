"""Schemas the gateway owns: its own responses and the problem document. Request and
response bodies are the services' schemas, referenced from the route table as "service:Name"."""
from marshmallow import Schema, fields


class Problem(Schema):
    """RFC 9457 problem details (application/problem+json)."""
    type = fields.String(required=True, metadata={"description": "URI reference naming the problem type"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String(metadata={"description": "The request path"})
    code = fields.String(metadata={"description": "Stable machine-readable code"})
    call_id = fields.String(metadata={"description": "Quote this when reporting a problem"})
    errors = fields.Dict(keys=fields.String(), metadata={
        "description": "422 only: field name → list of messages"})
    duplicate_of = fields.String(metadata={"description": "409 duplicate: the existing record"})
    match = fields.String(metadata={"description": "409 duplicate: email | name_phone"})


class Health(Schema):
    status = fields.String(required=True)


class ServiceStatus(Schema):
    status = fields.String(required=True)
    detail = fields.String()


class Ready(Schema):
    status = fields.String(required=True)
    services = fields.Dict(keys=fields.String(), values=fields.Nested(ServiceStatus), required=True)
