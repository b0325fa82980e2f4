"""Routing — the service desk's own configuration and state (issue 12 §4):

- `routing_rule`: which team a new ticket without one goes to, by its category and / or channel;
  the first rule (by position) whose conditions all match wins;
- `team_routing`: how a team's new tickets get an assignee — `manual` (nobody: the team's queue;
  a team without a row), `round_robin` or `least_loaded` — and the team's turn: the last agent
  chosen and how many were. Updating this row first in the creating transaction serialises
  the assignments of one team across workers and replicas (so turns are fair and determined);
- `agent_availability`: an agent who is away gets no new tickets (no row: available).
"""
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.service_desk.base import Base

MANUAL, ROUND_ROBIN, LEAST_LOADED = "manual", "round_robin", "least_loaded"
MODES = (MANUAL, ROUND_ROBIN, LEAST_LOADED)


class RoutingRule(Base):
    __tablename__ = "routing_rule"
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(10))
    team_id: Mapped[str] = mapped_column(String(36), nullable=False)


class TeamRouting(Base):
    __tablename__ = "team_routing"
    team_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)
    last_assignee_id: Mapped[str | None] = mapped_column(String(36))
    turns: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    changed_by: Mapped[str] = mapped_column(String(64), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class AgentAvailability(Base):
    __tablename__ = "agent_availability"
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    away: Mapped[bool] = mapped_column(Boolean, nullable=False)
    changed_by: Mapped[str] = mapped_column(String(64), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
