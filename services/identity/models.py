"""identity's own tables. Emails are stored normalised (stripped, lower-case) by the input
schemas, so the plain unique constraint is the case-insensitive uniqueness the issue asks for."""
import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.models import UtcDateTime, utcnow


def new_id():
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    # No foreign key: users.team_id already points here, and a cycle between the two tables
    # would make inserts order-dependent and SQLite migrations awkward. The handler checks it.
    manager_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    region: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    region: Mapped[str | None] = mapped_column(String(64), nullable=True)
    manager_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    # Raised by every change that must end the user's sessions (logout, deactivation, a new
    # password, a new role / team / region: what a token grants). A token carries the value it
    # was issued under (`ver`); the gateway refuses one below the current value.
    token_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                               server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        # list_active_users (assignment) filters on these.
        Index("ix_users_role_active", "role", "active"),
        Index("ix_users_team_id", "team_id"),
    )


class ApiKey(Base):
    """Only a SHA-256 digest of the key is kept; `prefix` is a non-secret part of the key used to
    find the row (the key itself has 256 random bits, so a fast hash is enough — no argon2)."""
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    prefix: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class LoginFailure(Base):
    """Failed logins counted per key (`account:<email>` or `ip:<address>`) within a window;
    `locked_until` is set when a key reaches its limit (services/identity/handlers/guard.py).
    A row is deleted when its account logs in, so the table holds only recent failures."""
    __tablename__ = "login_failures"
    key: Mapped[str] = mapped_column(String(320), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False)
    window_started_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
