"""A campaign's email broadcast — marketing's own data (issue 11 §5):

- `campaign_send`: one per campaign (its key is the campaign's): the template as it was when
  the send started (so an edit meanwhile changes no mail of it), how many recipients and
  batches, how many batches were released to the workers, and whether it is sending, waiting
  for the SMTP server (`waiting_until`, backing off) or done;
- `campaign_recipient`: one row per (campaign, contact) — the primary key is what makes the
  broadcast once per contact: written when the send starts (the snapshot of who was reachable
  then), each row moves pending → sending (claimed by one worker) → sent, or bounced (the
  server refused the address for good: do-not-contact), failed (the message was refused or
  could not be rendered) or skipped (not sendable any more, or over the frequency cap);
- `campaign_send_batch`: which batches were released (a message on RabbitMQ) and when, and
  which are done; a released batch not done within the lease is released again;
- `contact_send_lock`: one row per contact claimed for a campaign email, locked by each claim
  of that contact while it checks the frequency cap (sending/cap.py).
"""
from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.marketing.base import Base

SENDING, WAITING, DONE = "sending", "waiting", "done"
PENDING, CLAIMED, SENT, BOUNCED, FAILED, SKIPPED = (
    "pending", "sending", "sent", "bounced", "failed", "skipped")
OUTCOMES = (SENT, BOUNCED, FAILED, SKIPPED)
RELEASED = "released"


class CampaignSend(Base):
    __tablename__ = "campaign_send"
    campaign_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    template_id: Mapped[str] = mapped_column(String(36), nullable=False)
    subject: Mapped[str] = mapped_column(String(500), nullable=False)
    html: Mapped[str] = mapped_column(Text, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    recipients: Mapped[int] = mapped_column(Integer, nullable=False)
    batch_size: Mapped[int] = mapped_column(Integer, nullable=False)
    batches: Mapped[int] = mapped_column(Integer, nullable=False)
    released: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rate_per_second: Mapped[float] = mapped_column(Float, nullable=False)
    waiting_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    transient_failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    started_by: Mapped[str] = mapped_column(String(64), nullable=False)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_campaign_send_status", "status"),)


class CampaignRecipient(Base):
    __tablename__ = "campaign_recipient"
    campaign_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch: Mapped[int] = mapped_column(Integer, nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    message_id: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_campaign_recipient_batch", "campaign_id", "batch", "state"),
                      # the frequency cap: a contact's mails sent since ...
                      Index("ix_campaign_recipient_contact", "contact_id", "state", "sent_at"))


class CampaignSendBatch(Base):
    __tablename__ = "campaign_send_batch"
    campaign_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(10), nullable=False)      # released | done
    released_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class ContactSendLock(Base):
    """The row every claim of a contact's campaign email locks (SELECT … FOR UPDATE) until its
    transaction commits: two workers sending two campaigns to one contact check its frequency
    cap one after the other, the second counting the first's claim (sending/cap.py)."""
    __tablename__ = "contact_send_lock"
    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
