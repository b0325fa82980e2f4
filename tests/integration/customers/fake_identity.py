"""A test-only producer named "identity", built on the chassis: it publishes user events the
way the real identity service does (outbox → identity.events, events_since for catch-up)."""
from marshmallow import Schema, fields
from nameko.rpc import rpc
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.db import Database
from services.chassis.errors import NotFound
from services.chassis.service import ChassisService
from services.customers.consumes import USER_EVENTS


class IdentityBase(DeclarativeBase):
    pass


class User(IdentityBase):
    __tablename__ = "user"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)


class UserPayload(Schema):
    """The user as the contract describes it (docs/contracts.md, identity)."""
    id = fields.String(required=True)
    email = fields.String()
    name = fields.String()
    role = fields.String()
    team_id = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    manager_id = fields.String(allow_none=True)
    active = fields.Boolean()
    created_at = fields.String()
    updated_at = fields.String()


def user(user_id, role="sales_rep", team_id=None, region=None, active=True):
    return {"id": user_id, "email": f"{user_id}@example.com", "name": user_id, "role": role,
            "team_id": team_id, "region": region, "manager_id": None, "active": active,
            "created_at": "2025-01-01T00:00:00+00:00", "updated_at": "2025-01-01T00:00:00+00:00"}


class FakeIdentity(ChassisService):
    name = "identity"
    db = Database(IdentityBase.metadata,
                  event_schemas={event_type: UserPayload() for event_type in USER_EVENTS})

    @rpc
    def put_user(self, data, event_type="user_created"):
        with self.db.unit_of_work(actor="admin") as uow:
            uow.session.merge(User(id=data["id"]))
            uow.emit(event_type, data)
        return data["id"]

    @rpc
    def get_user(self, user_id):
        """The address every user of this double has (reporting mails managers' digests)."""
        with self.db.read_only() as session:
            if session.get(User, user_id) is None:
                raise NotFound(f"No user {user_id}.")
        return {"id": user_id, "email": f"{user_id}@example.com"}

    @rpc
    def get_token_state(self, user_id):
        """The gateway checks every bearer token against this: no user here ever logged out."""
        return {"user_id": user_id, "token_version": 0, "active": True}
