"""marketing's copy of the audience, built only from customers' and sales' events:

- `audience_customer`: each customer as its events describe it, with its tags, its last
  interaction and its purchase behaviour (summed from `audience_purchase`). A row may exist
  before its customer_created has arrived (`known` false: a tag or an interaction came first
  on another queue); such a row is in no list and no segment until it is known.
- `audience_contact`: the people marketing addresses: every customer itself (kind
  `customer`: its name and email) and every contact person of a customer (kind `contact`).
  customers' contact_added carries the contact's email (none in events from before it did:
  such a contact person is not sendable by email). One address gets one mail per campaign
  (campaigns/audience.py `reachable`), however many contacts share it.
- `audience_purchase`: one row per won deal and per order — the lifetime value is the sum of
  the won deals (an order comes from a won deal, so it adds its date and products, not its
  value); a deal reopened or lost after it was won is removed again.

Events of one customer arrive on several queues; each group of fields remembers the sequence
of the event that set it last, so an older event never overwrites a newer one.
"""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import Cents, UtcDateTime
from services.marketing.base import Base

CUSTOMER, CONTACT = "customer", "contact"


class AudienceCustomer(Base):
    __tablename__ = "audience_customer"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    known: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    kind: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    industry: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    region: Mapped[str | None] = mapped_column(String(64))
    lifecycle_stage: Mapped[str | None] = mapped_column(String(20))
    value_class: Mapped[str | None] = mapped_column(String(1))
    owner_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    tags: Mapped[str] = mapped_column(Text, nullable=False, default="[]")       # JSON list
    last_interaction_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    merged_into: Mapped[str | None] = mapped_column(String(36))
    # purchase behaviour, recomputed from audience_purchase after each purchase event
    last_purchase_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lifetime_value: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # {cur: "1.00"}
    products: Mapped[str] = mapped_column(Text, nullable=False, default="[]")   # JSON product ids
    # the sequence (customers' log) of the event that last set each group of fields
    record_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    owner_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    tags_sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class AudienceContact(Base):
    __tablename__ = "audience_contact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)       # customer | contact
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    email_norm: Mapped[str | None] = mapped_column(String(254), index=True)   # lower-cased
    role: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)  # false: merged
    # when a relative-date rule may next change its segments (segments/membership.py recheck)
    recheck_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)

    __table_args__ = (Index("ix_audience_contact_list", "active", "id"),)


class AudiencePurchase(Base):
    __tablename__ = "audience_purchase"
    id: Mapped[str] = mapped_column(String(48), primary_key=True)      # deal:<id> | order:<id>
    customer_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)       # deal | order
    amount: Mapped[Decimal | None] = mapped_column("amount_cents", Cents)   # deals only
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    purchased_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    stage: Mapped[str | None] = mapped_column(String(40))     # the won stage (deals)
    products: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
