"""The knowledge base — the service desk's own data (issue 12 §6):

- `kb_article`: one article: title, category, tags, the Markdown body and its HTML rendered
  once when written (knowledge/render.py: safe by construction), draft or published, who wrote
  it, when; the helpful / not helpful counts kept beside it;
- `kb_article_token`: the search index (knowledge/search.py): one row per distinct token of an
  article (words; Chinese as characters and character bigrams) with its weight — plain tables
  and an indexed equality lookup, so SQLite and PostgreSQL search alike;
- `kb_feedback`: "was this helpful": one vote per reader and article, changeable;
- `ticket_solution`: the article a ticket was solved with (one per ticket; a new link replaces).
"""
from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.chassis.models import UtcDateTime
from services.service_desk.base import Base

DRAFT, PUBLISHED = "draft", "published"
STATUSES = (DRAFT, PUBLISHED)


class Article(Base):
    __tablename__ = "kb_article"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    category: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[str] = mapped_column(Text, nullable=False, default="[]")        # JSON list
    body: Mapped[str] = mapped_column(Text, nullable=False)                       # Markdown
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    author_id: Mapped[str] = mapped_column(String(64), nullable=False)
    helpful_yes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    helpful_no: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_kb_article_status_created", "status", "created_at", "id"),
                      Index("ix_kb_article_created", "created_at", "id"))


class ArticleToken(Base):
    __tablename__ = "kb_article_token"
    article_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    weight: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (Index("ix_kb_article_token_token", "token", "article_id"),)


class ArticleFeedback(Base):
    __tablename__ = "kb_feedback"
    article_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    helpful: Mapped[bool] = mapped_column(Boolean, nullable=False)
    voted_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class TicketSolution(Base):
    __tablename__ = "ticket_solution"
    ticket_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    article_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    linked_by: Mapped[str] = mapped_column(String(64), nullable=False)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
