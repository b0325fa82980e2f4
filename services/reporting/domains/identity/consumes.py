"""identity's events as reporting reads them (tolerant copies: services/reporting/tolerant.py)."""
from marshmallow import fields

from services.reporting.tolerant import Tolerant

USER_EVENTS = ("user_created", "user_updated", "user_deactivated")


class UserEvent(Tolerant):
    id = fields.String(required=True)
    name = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    team_id = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    active = fields.Boolean(load_default=True)
