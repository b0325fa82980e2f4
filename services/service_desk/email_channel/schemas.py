"""The inbound mail webhook's input and answer (the gateway names them
"service_desk:InboundEmail", "service_desk:InboundEmailResult")."""
import base64
import binascii

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from services.chassis.fields import Input, text

# What one mail may weigh; the gateway's MAX_BODY_BYTES (1 MiB) refuses a larger request body
# with 413 before this is read.
MAX_RAW_BYTES = 512 * 1024


class InboundEmail(Input):
    """Exactly one of `raw` (the message as text — no control characters, as every text field)
    and `raw_base64` (its bytes, base64: any charset, 8-bit bodies, ISO-2022-JP's escapes)."""
    raw = text(MAX_RAW_BYTES, multiline=True, metadata={
        "description": "the whole RFC 5322 message (headers, blank line, body) as text"})
    raw_base64 = fields.String(validate=validate.Length(min=1, max=MAX_RAW_BYTES * 4 // 3 + 4),
                               allow_none=True, metadata={
        "description": "the whole RFC 5322 message's bytes, base64 (RFC 4648)"})

    @validates("raw_base64")
    def _base64(self, value, **kwargs):
        if value is None:
            return
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("Not base64 (RFC 4648).")

    @post_load
    def _message(self, data, **kwargs):
        given = [name for name in ("raw", "raw_base64") if data.get(name) is not None]
        if len(given) != 1:
            raise ValidationError("Give exactly one of raw and raw_base64.", "raw")
        message = data["raw"].encode("utf-8") if given == ["raw"] \
            else base64.b64decode(data["raw_base64"])
        if len(message) > MAX_RAW_BYTES:
            raise ValidationError(f"A mail may weigh at most {MAX_RAW_BYTES} bytes.", given[0])
        if not message.strip():
            raise ValidationError("The mail is empty.", given[0])
        return {"message": message}


class InboundEmailResult(Schema):
    outcome = fields.String(required=True, metadata={
        "description": "created (a new ticket) | replied (threaded onto its ticket) | duplicate "
                       "(this Message-ID came before: nothing changed) | unmatched (an "
                       "answer to a supervisor notice: kept, no ticket)"})
    ticket_id = fields.String(allow_none=True, metadata={
        "description": "created: the ticket — without a customer (`unmatched_sender`) when "
                       "the sender is no customer's or contact person's"})
    message_id = fields.String(required=True)
