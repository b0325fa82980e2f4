"""The customers service's own tables.

Normalised copies of name, email and phone live beside the verbatim values: they are what
duplicate detection and free-text search compare, so both stay index-friendly and agree.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, event, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.models import Cents, UtcDateTime, utcnow
from services.customers import search_index
from services.kernel.assignment import AssignmentCursorColumns
from services.kernel.users_copy import UserCopyColumns

class Base(DeclarativeBase):
    pass


class UserCopy(UserCopyColumns, Base):
    """identity's users as their events describe them (services/kernel/users_copy.py)."""
    __tablename__ = "user_copy"


# list filters with their own (filter, sort, id) indexes: short name -> column
LIST_FILTERS = {"region": "region", "owner": "owner_id", "stage": "lifecycle_stage",
                "class": "value_class"}


class Customer(Base):
    __tablename__ = "customer"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_norm: Mapped[str] = mapped_column(String(200), nullable=False)     # dedup + sort key
    search_text: Mapped[str] = mapped_column(Text, nullable=False)           # q substring match
    industry: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    annual_revenue: Mapped[Decimal | None] = mapped_column("annual_revenue_cents", Cents)
    currency: Mapped[str | None] = mapped_column(String(3))
    region: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_norm: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    email_norm: Mapped[str | None] = mapped_column(String(254), index=True)
    website: Mapped[str | None] = mapped_column(String(2048))
    source: Mapped[str | None] = mapped_column(String(100))
    lifecycle_stage: Mapped[str] = mapped_column(String(20), nullable=False, default="lead")
    value_class: Mapped[str | None] = mapped_column(String(1))
    owner_id: Mapped[str | None] = mapped_column(String(36))
    # The parent company (parent_companies.py: exists, visible, no cycles); indexed for the
    # re-pointing of a merged parent's subsidiaries.
    parent_id: Mapped[str | None] = mapped_column(String(36), index=True)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    merged_into: Mapped[str | None] = mapped_column(String(36))
    merged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        Index("ix_customer_name_phone", "name_norm", "phone_norm"),
        # Keyset pagination walks (sort column, id) in order and stops after one page; a
        # filter users combine with a sort gets (filter, sort column, id), so a filtered page
        # is a walk too, never a read-and-sort of every match (bench/list_plans.py).
        Index("ix_customer_name_sort", "name_norm", "id"),
        Index("ix_customer_created_sort", "created_at", "id"),
        Index("ix_customer_updated_sort", "updated_at", "id"),
        Index("ix_customer_revenue_sort", "annual_revenue_cents", "id"),
        *(Index(f"ix_customer_{short}_{sort}", column, sort_column, "id")
          for short, column in LIST_FILTERS.items()
          for sort, sort_column in (("created", "created_at"), ("name", "name_norm"))),
        # Only tombstones: `merged_into IS NULL` (every list) must never pick this index —
        # without statistics SQLite took it as selective and read and sorted every customer.
        Index("ix_customer_merged_into", "merged_into",
              sqlite_where=text("merged_into IS NOT NULL"),
              postgresql_where=text("merged_into IS NOT NULL")),
    )


# The free-text index (FTS5 / pg_trgm) is not a plain Index: created beside the table.
event.listen(Customer.__table__, "after_create",
             lambda table, connection, **kw: search_index.create(connection))
event.listen(Customer.__table__, "before_drop",
             lambda table, connection, **kw: search_index.drop(connection))


class Contact(Base):
    __tablename__ = "contact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    role: Mapped[str | None] = mapped_column(String(100))
    birthday: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class Tag(Base):
    __tablename__ = "tag"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    name_norm: Mapped[str] = mapped_column(String(50), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)


class CustomerTag(Base):
    """A tag on a customer, carrying a copy of the customer's created_at: the list's default
    order (newest first) with a tag filter is then one range of (tag, created_at, id) that
    stops after a page, like region and owner, instead of a walk of every customer probing
    this table per row (bench/FINDINGS.md, issue 15). created_at never changes after creation,
    so the copy is set once where a link is inserted (tags.py, merge.py) and never goes stale;
    merged customers lose their links, so tombstones are not in the range either."""
    __tablename__ = "customer_tag"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), primary_key=True)
    tag_id: Mapped[str] = mapped_column(ForeignKey("tag.id"), primary_key=True)   # indexed first below
    customer_created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (Index("ix_customer_tag_created_sort", "tag_id", "customer_created_at",
                            "customer_id"),)


class Interaction(Base):
    __tablename__ = "interaction"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    outcome: Mapped[str | None] = mapped_column(String(500))
    contact_id: Mapped[str | None] = mapped_column(ForeignKey("contact.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_interaction_timeline", "customer_id", "occurred_at", "id"),)


class TimelineEntry(Base):
    """What another service did with the customer, from its events (handlers/timeline.py):
    marketing's campaign touches, the service desk's tickets, surveys and follow-ups. Small on
    purpose — what happened, when, the campaign / ticket it belongs to — never a mail body.
    `source_event_id` is the producer's event id: a redelivered or replayed event finds its
    entry already there (besides the inbox), so it is written once."""
    __tablename__ = "timeline_entry"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)       # marketing | service_desk
    source_event_id: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    ref_type: Mapped[str | None] = mapped_column(String(20))              # campaign | ticket
    ref_id: Mapped[str | None] = mapped_column(String(36))
    user_id: Mapped[str | None] = mapped_column(String(64))               # the agent / rep, if any
    contact_id: Mapped[str | None] = mapped_column(String(36))
    summary: Mapped[str] = mapped_column(String(500), nullable=False)
    outcome: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ix_timeline_entry_timeline", "customer_id", "occurred_at", "id"),)


class TimelineRef(Base):
    """The title of what an entry links to (a campaign's name, a ticket's subject), kept from
    the producers' events so a rename shows on every entry of it."""
    __tablename__ = "timeline_ref"
    ref_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    ref_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    # the producer's sequence of the event that set the title: an older one never overwrites it
    sequence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class AssignmentCursor(AssignmentCursorColumns, Base):
    """Round-robin position per pool of reps (services/kernel/assignment.py)."""
    __tablename__ = "assignment_cursor"


class ImportJob(Base):
    __tablename__ = "import_job"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    principal: Mapped[str] = mapped_column(Text, nullable=False)   # rows are created as this caller
    status: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    total_rows: Mapped[int] = mapped_column(Integer, nullable=False)
    processed_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # A worker's claim: its token, held until lease_until (renewed every batch); while
    # uploading, when the upload is given up unless another part comes.
    claim: Mapped[str | None] = mapped_column(String(36))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The upload, part by part (status "uploading"): the header, the last part taken (a retried
    # part is ignored), records read so far (header included: they number the rows), line
    # breaks before `carry` (they number an error's line), the incomplete last record waiting
    # for the next part, and the bytes received. `error`: why a failed upload failed.
    header: Mapped[str | None] = mapped_column(Text)               # JSON list of column names
    parts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    records: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    lines: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    carry: Mapped[str | None] = mapped_column(Text)
    received_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0,
                                                server_default="0")
    error: Mapped[str | None] = mapped_column(Text)


class ImportRow(Base):
    __tablename__ = "import_row"
    job_id: Mapped[str] = mapped_column(ForeignKey("import_job.id"), primary_key=True)
    row: Mapped[int] = mapped_column(Integer, primary_key=True)    # spreadsheet row (header = 1)
    data: Mapped[str] = mapped_column(Text, nullable=False)        # JSON object of the cells
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    customer_id: Mapped[str | None] = mapped_column(String(36))
    errors: Mapped[str | None] = mapped_column(Text)               # JSON [{field, message}]

    # The runner's next batch (pending, in row order) and the rows report (by status) seek
    # this index instead of walking a million-row job from its first row.
    __table_args__ = (Index("ix_import_row_job_status_row", "job_id", "status", "row"),)
