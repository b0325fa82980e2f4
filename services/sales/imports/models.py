"""Deals brought in by the bulk import (imports/handlers.py): the source's own id of each
deal (`external_ref`, e.g. the dataset's opportunity_id), so a re-run finds what it already
created instead of creating it twice."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime, utcnow
from services.sales.base import Base


class DealImportRef(Base):
    __tablename__ = "deal_import_ref"
    external_ref: Mapped[str] = mapped_column(String(100), primary_key=True)
    deal_id: Mapped[str] = mapped_column(ForeignKey("deal.id"), nullable=False, unique=True)
    imported_by: Mapped[str] = mapped_column(String(64), nullable=False)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
