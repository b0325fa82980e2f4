"""RPC input and output of the bulk deal import (re-exported by services/sales/schemas.py, where
the gateway's OpenAPI document finds `sales:DealImport`).

The batch is checked as a whole (a list of 1..IMPORT_MAX_ROWS objects); each row is then
loaded on its own, so one bad row is rejected with its field errors and the others go in.
"""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Input, currency, text
from services.sales.deals.schemas import LineInput

IMPORT_MAX_ROWS = 500
IMPORT_STATUSES = ("created", "already_imported", "rejected")


class HistoryEntry(Input):
    stage = fields.String(required=True, validate=validate.Length(min=1, max=40))
    at = fields.AwareDateTime(allow_none=True, load_default=None, metadata={
        "description": "when the deal entered the stage (UTC); default: now"})


class DealImportRow(Input):
    external_ref = text(100, required=True, metadata={
        "description": "the source's id of the deal: imported once, a repeat is reported"})
    name = text(200, required=True)
    customer_id = fields.String(allow_none=True, load_default=None,
                                validate=validate.Length(min=1, max=36), metadata={
        "description": "null only for an open deal (a won or lost deal needs a customer)"})
    owner_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    currency = fields.String(required=True, validate=currency)
    lines = fields.List(fields.Nested(LineInput), validate=validate.Length(max=200),
                        load_default=list)
    history = fields.List(fields.Nested(HistoryEntry), required=True,
                          validate=validate.Length(min=1, max=20), metadata={
        "description": "the stages entered, oldest first: the first is an open stage (the "
                       "deal is created there, at its time); only the last may be won / lost"})
    lost_reason = text(500, multiline=True, metadata={"description": "required when the last stage is lost"})


class DealImport(Input):
    rows = fields.List(fields.Dict(), required=True,
                       validate=validate.Length(min=1, max=IMPORT_MAX_ROWS),
                       metadata={"description": f"1..{IMPORT_MAX_ROWS} DealImportRow objects"})


class DealImportRowResult(Schema):
    index = fields.Integer()
    external_ref = fields.String(allow_none=True)
    status = fields.String(metadata={"description": " | ".join(IMPORT_STATUSES)})
    deal_id = fields.String(allow_none=True)
    imported_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "when the row was imported (for already_imported: by the earlier call — "
                       "a client retrying after a timeout can tell its own rows)"})
    errors = fields.Dict(allow_none=True)


class DealImportResult(Schema):
    created = fields.Integer()
    already_imported = fields.Integer()
    rejected = fields.Integer()
    results = fields.List(fields.Nested(DealImportRowResult))

