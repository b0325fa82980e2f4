"""Articles: write (a draft), change, publish / unpublish (the same status again: 409), read
one, list them newest first (filtered, paginated), and "was this helpful" — one vote per reader
and article, changeable, counted on the article."""
import json
import uuid

from sqlalchemy import select

from services.chassis import pagination
from services.chassis.errors import Conflict
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.service_desk.knowledge import render, schemas, scopes, search
from services.service_desk.knowledge.models import (DRAFT, PUBLISHED, Article,
                                                    ArticleFeedback)

ARTICLE = schemas.Article()
EDITABLE = ("title", "category", "body", "tags")


def values(article):
    return {column.key: getattr(article, column.key) for column in Article.__table__.columns
            if column.key != "tags"} | {"tags": json.loads(article.tags)}


def payload(article):
    found = values(article)
    return {key: found[key] for key in ("id", "title", "category", "tags", "status", "author_id",
                                        "created_at", "updated_at", "published_at")}


def dump_many(session, principal, articles):
    ids = [article.id for article in articles]
    votes = dict(session.execute(select(ArticleFeedback.article_id, ArticleFeedback.helpful)
                                 .where(ArticleFeedback.article_id.in_(ids),
                                        ArticleFeedback.user_id == principal.user_id)).all()
                 ) if ids else {}
    return [ARTICLE.dump({**values(article), "my_vote": votes.get(article.id)})
            for article in articles]


def dump(session, principal, article):
    return dump_many(session, principal, [article])[0]


def create_article(uow, principal, data):
    data = load(schemas.ArticleCreate, data)
    now = utcnow()
    article = Article(id=str(uuid.uuid4()), title=data["title"].strip(),
                      category=data.get("category"), tags=json.dumps(sorted(set(data.get("tags") or []))),
                      body=data["body"], body_html=render.to_html(data["body"]), status=DRAFT,
                      author_id=principal.user_id, helpful_yes=0, helpful_no=0,
                      created_at=now, updated_at=now)
    uow.session.add(article)
    search.index(uow.session, article)
    uow.emit("kb_article_created", payload(article))
    return dump(uow.session, principal, article)


def update_article(uow, principal, article_id, data):
    data = load(schemas.ArticleUpdate, data)
    article = scopes.one(uow.session, principal, article_id, for_write=True)
    if "tags" in data:
        data["tags"] = json.dumps(sorted(set(data["tags"] or [])))
    if "title" in data:
        data["title"] = data["title"].strip()
    changed = [name for name in EDITABLE if name in data and getattr(article, name) != data[name]]
    if changed:
        for name in changed:
            setattr(article, name, data[name])
        if "body" in changed:
            article.body_html = render.to_html(article.body)
        article.updated_at = utcnow()
        search.index(uow.session, article)
        uow.emit("kb_article_updated", {**payload(article), "changed": changed,
                                        "changed_by": principal.user_id})
    return dump(uow.session, principal, article)


def change_status(uow, principal, article_id, data):
    target = load(schemas.ArticleStatusChange, data)["status"]
    article = scopes.one(uow.session, principal, article_id, for_write=True)
    if article.status == target:
        raise Conflict(f"Article {article.id} is already {target}.",
                       {"status": article.status, "allowed": [other for other in
                                                              (DRAFT, PUBLISHED) if other != target]})
    now, previous = utcnow(), article.status
    article.status, article.updated_at = target, now
    if target == PUBLISHED:
        article.published_at = now
    uow.emit("kb_article_status_changed", {
        "article_id": article.id, "from_status": previous, "to_status": target,
        "changed_by": principal.user_id, "changed_at": now})
    return dump(uow.session, principal, article)


def get_article(session, principal, article_id):
    return dump(session, principal, scopes.one(session, principal, article_id))


def list_articles(session, principal, query=None):
    filters = load(schemas.ArticleQuery, query or {})
    statement = select(Article).where(scopes.condition(principal))
    for name in ("status", "category"):
        if filters.get(name) is not None:
            statement = statement.where(getattr(Article, name) == filters[name])
    if filters.get("tag"):
        # tags are a sorted JSON list of strings: the quoted tag is an exact element
        statement = statement.where(Article.tags.contains(json.dumps(filters["tag"]),
                                                          autoescape=True))
    scope = "kb:" + json.dumps({key: value for key, value in filters.items()
                                if key not in ("cursor", "limit")}, sort_keys=True)
    return pagination.newest_first(session, statement, Article, filters, scope,
                                   lambda s, rows: dump_many(s, principal, rows))


def vote(uow, principal, article_id, data):
    """The caller's answer replaces their earlier one; the counts move with it."""
    helpful = load(schemas.FeedbackInput, data)["helpful"]
    article = scopes.one(uow.session, principal, article_id, for_write=True)
    if article.status != PUBLISHED:
        raise Conflict(f"Article {article.id} is a draft: only published articles take "
                       "feedback.", {"status": article.status})
    existing = uow.session.get(ArticleFeedback, (article.id, principal.user_id))
    if existing is None:
        uow.session.add(ArticleFeedback(article_id=article.id, user_id=principal.user_id,
                                        helpful=helpful, voted_at=utcnow()))
        _count(article, helpful, +1)
    elif existing.helpful != helpful:
        _count(article, existing.helpful, -1)
        _count(article, helpful, +1)
        existing.helpful, existing.voted_at = helpful, utcnow()
    return dump(uow.session, principal, article)


def _count(article, helpful, step):
    if helpful:
        article.helpful_yes += step
    else:
        article.helpful_no += step
