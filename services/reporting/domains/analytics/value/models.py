"""The value-class rule (issue 17 item 4): whether suggested classes are applied automatically,
and which — configuration, not a read model, so no projection owns the table and a rebuild
leaves it alone. One row per scope: "company" (set by an admin: every customer) or
"team:<id>" (set by that team's manager: the team's customers, whose own rule, on or off,
takes precedence over the company's)."""
from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.reporting.models import Base


class ValueClassRule(Base):
    __tablename__ = "analytics_value_class_rule"
    scope: Mapped[str] = mapped_column(String(48), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    applies: Mapped[str] = mapped_column(String(20), nullable=False)   # rule.APPLIES
    months: Mapped[int] = mapped_column(Integer, nullable=False)
    # who set it: the rule acts within their scope (a manager: the team's customers)
    set_by: Mapped[str] = mapped_column(String(64), nullable=False)
    set_by_role: Mapped[str] = mapped_column(String(20), nullable=False)
    team_id: Mapped[str | None] = mapped_column(String(36))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    # the last pass that applied it
    last_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_applied: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_failed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
