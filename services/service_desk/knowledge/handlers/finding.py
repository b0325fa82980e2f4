"""Finding articles: full-text search (knowledge/search.py; all words must match, best first,
paginated), suggestions for a ticket from its subject (any word, most matched first), and
linking an article to a ticket as its solution (the ticket's history row and an event, in one
transaction)."""
import json

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import Conflict, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.service_desk.knowledge import schemas, scopes, search
from services.service_desk.knowledge.models import PUBLISHED, Article, TicketSolution
from services.service_desk.tickets import scopes as ticket_scopes
from services.service_desk.tickets.handlers.record import record_change

HIT = schemas.ArticleHit()
SOLUTION = schemas.Solution()
DEFAULT_SUGGESTIONS = 5


def _hit(article, score):
    return HIT.dump({"id": article.id, "title": article.title, "category": article.category,
                     "tags": json.loads(article.tags), "status": article.status,
                     "score": int(score), "updated_at": article.updated_at})


def search_articles(session, principal, query=None):
    filters = load(schemas.SearchQuery, query or {})
    tokens = search.query_tokens(filters["q"])
    if not tokens:
        raise Invalid("The request is not valid.", {"q": ["No letters or digits to search for."]})
    if len(tokens) > search.MAX_QUERY_TOKENS:
        raise Invalid("The request is not valid.", {"q": [
            f"Too many words: at most {search.MAX_QUERY_TOKENS} (Chinese: characters)."]})
    found = search.matches(tokens, every=True)
    statement = (select(Article, found.c.score).join(found, found.c.article_id == Article.id)
                 .where(scopes.condition(principal))
                 .order_by(found.c.score.desc(), Article.updated_at.desc(), Article.id))
    # ranked, not time-ordered: the cursor is the offset, bound to the query and caller
    scope = f"kb-search:{principal.user_id}:" + " ".join(tokens)
    offset = pagination.decode_cursor(filters["cursor"], scope)[0] if filters.get("cursor") else 0
    size = pagination.page_size(filters.get("limit"))
    rows = session.execute(statement.offset(offset).limit(size + 1)).all()
    more, rows = len(rows) > size, rows[:size]
    cursor = pagination.encode_cursor([offset + size], scope) if more else None
    return {"items": [_hit(article, score) for article, score in rows], "next_cursor": cursor}


def suggest_for_ticket(session, principal, query=None):
    """Published articles sharing words with the ticket's subject (the caller must see the
    ticket): the most tokens matched first, then weight."""
    filters = load(schemas.SuggestionQuery, query or {})
    ticket = ticket_scopes.one(session, principal, filters["ticket_id"])
    tokens = search.query_tokens(ticket.subject)[:search.MAX_QUERY_TOKENS]
    if not tokens:
        return {"items": [], "next_cursor": None}
    found = search.matches(tokens, every=False)
    rows = session.execute(
        select(Article, found.c.score).join(found, found.c.article_id == Article.id)
        .where(Article.status == PUBLISHED)
        .order_by(found.c.hits.desc(), found.c.score.desc(), Article.updated_at.desc(),
                  Article.id)
        .limit(filters.get("limit") or DEFAULT_SUGGESTIONS)).all()
    return {"items": [_hit(article, score) for article, score in rows], "next_cursor": None}


def link_solution(uow, principal, article_id, data):
    """The published article solves the ticket (one per ticket: a new link replaces the old);
    the same link again changes nothing."""
    ticket_id = load(schemas.SolutionLink, data)["ticket_id"]
    article = scopes.one(uow.session, principal, article_id)
    if article.status != PUBLISHED:
        raise Conflict(f"Article {article.id} is a draft: only a published article can be a "
                       "solution.", {"status": article.status})
    ticket = ticket_scopes.one(uow.session, principal, ticket_id, for_write=True)
    existing = uow.session.get(TicketSolution, ticket.id)
    if existing is not None and existing.article_id == article.id:
        return SOLUTION.dump(_columns(existing))
    now, previous = utcnow(), existing.article_id if existing else None
    if existing is None:
        existing = TicketSolution(ticket_id=ticket.id)
        uow.session.add(existing)
    existing.article_id, existing.linked_by, existing.linked_at = (article.id, principal.user_id,
                                                                   now)
    record_change(uow, ticket, "solution_linked", {"solution_article_id": (previous, article.id)},
                  principal.user_id, at=now)
    uow.emit("ticket_solution_linked", {
        "ticket_id": ticket.id, "customer_id": ticket.customer_id, "article_id": article.id,
        "previous_article_id": previous, "linked_by": principal.user_id, "linked_at": now})
    return SOLUTION.dump(_columns(existing))


def _columns(row):
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}
