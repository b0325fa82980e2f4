"""Who reads and writes which articles (issue 12 §6): agents and support managers write (and
see drafts); published articles are read by them and by sales reps; admins everything. A draft
asked for by a reader is NotFound, never Forbidden: its existence does not leak."""
from sqlalchemy import select, true

from services.chassis.errors import NotFound
from services.service_desk import roles
from services.service_desk.knowledge.models import PUBLISHED, Article


def may_write(principal):
    return principal.is_admin or principal.role in roles.KB_WRITE


def condition(principal):
    return true() if may_write(principal) else Article.status == PUBLISHED


def one(session, principal, article_id, for_write=False):
    if not isinstance(article_id, str) or len(article_id) > 36:
        raise NotFound(f"No article {article_id}.", {"id": article_id})
    query = select(Article).where(Article.id == article_id, condition(principal))
    if for_write:
        query = query.with_for_update()
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"No article {article_id}.", {"id": article_id})
    return found
