"""The events the knowledge base publishes (docs/contracts.md#service_desk): one for every
change of an article and for each solution link. Bodies stay in the service desk; events say
what, who and when (title, category, tags and status are enough to follow the catalogue)."""
from marshmallow import Schema, fields


class ArticleRecord(Schema):
    """kb_article_created, and the article after a kb_article_updated."""
    id = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(allow_none=True)
    tags = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    author_id = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    published_at = fields.AwareDateTime(allow_none=True)


class ArticleUpdated(ArticleRecord):
    changed = fields.List(fields.String(), required=True)
    changed_by = fields.String(required=True)


class ArticleStatusChanged(Schema):
    article_id = fields.String(required=True)
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)       # draft | published
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


class TicketSolutionLinked(Schema):
    ticket_id = fields.String(required=True)
    customer_id = fields.String(required=True, allow_none=True)     # None: unmatched sender
    article_id = fields.String(required=True)
    previous_article_id = fields.String(allow_none=True)
    linked_by = fields.String(required=True)
    linked_at = fields.AwareDateTime(required=True)


EVENT_SCHEMAS = {"kb_article_created": ArticleRecord(), "kb_article_updated": ArticleUpdated(),
                 "kb_article_status_changed": ArticleStatusChanged(),
                 "ticket_solution_linked": TicketSolutionLinked()}
