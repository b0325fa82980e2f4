"""The knowledge base's RPC inputs (validated here; unknown fields refused) and outputs; the
gateway names them ("service_desk:Article", ...)."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Boolean, Input, not_blank, page_cursor, page_limit, text
from services.service_desk.knowledge.models import STATUSES
from services.service_desk.knowledge.search import MAX_QUERY_CHARS
from services.service_desk.tickets.schemas import MAX_TAGS, reference

# As a ticket's description and replies. (At 100,000 schemathesis's coverage phase, unable to
# build a boundary value for the required patterned field, sent a bare `0` as "valid".)
MAX_BODY = 20_000


def tags():
    return fields.List(fields.String(validate=[validate.Length(min=1, max=50), not_blank]),
                       validate=validate.Length(max=MAX_TAGS),
                       metadata={"description": "the article's tags (all of them)"})


class ArticleFields(Input):
    title = text(200)
    category = text(64)
    body = text(MAX_BODY, multiline=True, metadata={"description": "Markdown (raw HTML is shown "
                                                    "as text; unsafe links are dropped)"})
    tags = tags()


class ArticleCreate(ArticleFields):
    """A new article is a draft until published."""
    title = text(200, required=True)
    body = text(MAX_BODY, required=True, multiline=True,
                metadata={"description": "Markdown (raw HTML is shown as text; unsafe links "
                                         "are dropped)"})


class ArticleUpdate(ArticleFields):
    """Only the fields given change; an article keeps a title and a body (no null)."""
    title = fields.String(validate=[validate.Length(min=1, max=200), not_blank])
    body = fields.String(validate=[validate.Length(min=1, max=MAX_BODY), not_blank],
                         metadata={"multiline": True, "description": "Markdown"})


class ArticleStatusChange(Input):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class ArticleQuery(Input):
    status = fields.String(validate=validate.OneOf(STATUSES),
                           metadata={"description": "draft: writers only"})
    category = text(64)
    tag = text(50)
    cursor = page_cursor()
    limit = page_limit()


class SearchQuery(Input):
    q = fields.String(required=True, validate=validate.Length(min=1, max=MAX_QUERY_CHARS),
                      metadata={"description": "words (all must match); Chinese, Japanese and "
                                               "Korean text matched by characters"})
    cursor = page_cursor()
    limit = page_limit()


class SuggestionQuery(Input):
    ticket_id = reference(required=True)
    limit = fields.Integer(strict=True, validate=validate.Range(1, 20),
                           metadata={"description": "1..20 (default 5)"})


class FeedbackInput(Input):
    helpful = Boolean(required=True)


class SolutionLink(Input):
    ticket_id = reference(required=True)


class Article(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(allow_none=True)
    tags = fields.List(fields.String(), required=True)
    body = fields.String(required=True, metadata={"description": "Markdown as written"})
    body_html = fields.String(required=True, metadata={"description": "safe HTML"})
    status = fields.String(required=True)
    author_id = fields.String(required=True)
    helpful_yes = fields.Integer(required=True)
    helpful_no = fields.Integer(required=True)
    my_vote = fields.Boolean(allow_none=True, metadata={
        "description": "the caller's own answer to \"was this helpful\" (null: none)"})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    published_at = fields.DateTime(allow_none=True)


class ArticleHit(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(allow_none=True)
    tags = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    score = fields.Integer(required=True, metadata={"description": "higher: better match"})
    updated_at = fields.DateTime(required=True)


class Solution(Schema):
    ticket_id = fields.String(required=True)
    article_id = fields.String(required=True)
    linked_by = fields.String(required=True)
    linked_at = fields.DateTime(required=True)
