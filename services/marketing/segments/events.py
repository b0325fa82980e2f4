"""Segment definitions changing (segment_created / _updated / _deleted: the whole segment).
Memberships are not published one by one (a new segment over the whole audience would be one
event per contact); they are read from marketing (members, history)."""
from marshmallow import Schema, fields


class SegmentRecord(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    rules = fields.Raw(required=True)
    include = fields.List(fields.String(), required=True)
    exclude = fields.List(fields.String(), required=True)
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {name: SegmentRecord() for name in
                 ("segment_created", "segment_updated", "segment_deleted")}
