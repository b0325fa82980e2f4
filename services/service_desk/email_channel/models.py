"""The mails of a ticket, both ways (issue 12 §3), one row per RFC 5322 message:

- `direction` in: a mail the inbound endpoint received — its Message-ID is unique, so the same
  mail delivered twice is recognised (idempotent) and a later answer naming it in In-Reply-To /
  References finds its ticket;
- `direction` out: an agent's public reply to be mailed — the outbox of the service desk's
  mail: written in the reply's own transaction, sent by the timer (outbound.py), with the
  deterministic Message-ID the customer's answer will name — and, the same way, the mail
  inviting the customer to a satisfaction survey (`survey_id`, surveys/mailing.py).

`status`: in → received | unmatched (no customer has the sender's address and no fallback
customer is configured); out → pending | sent | failed (refused for good by the server).
"""
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.service_desk.base import Base

IN, OUT = "in", "out"
RECEIVED, UNMATCHED = "received", "unmatched"
PENDING, SENT, FAILED = "pending", "sent", "failed"


class TicketMail(Base):
    __tablename__ = "ticket_mail"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(250), nullable=False, unique=True)
    direction: Mapped[str] = mapped_column(String(3), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    ticket_id: Mapped[str | None] = mapped_column(String(36))
    entry_id: Mapped[str | None] = mapped_column(String(36))
    survey_id: Mapped[str | None] = mapped_column(String(36))           # out: a survey's mail
    address: Mapped[str] = mapped_column(String(254), nullable=False)   # sender in / recipient out
    subject: Mapped[str] = mapped_column(String(250), nullable=False)
    body: Mapped[str | None] = mapped_column(Text)                      # out: what is mailed
    in_reply_to: Mapped[str | None] = mapped_column(String(250))
    references: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_ticket_mail_ticket", "ticket_id", "created_at"),
        Index("ix_ticket_mail_due", "status", "next_attempt_at"),   # the sender's queue
    )
