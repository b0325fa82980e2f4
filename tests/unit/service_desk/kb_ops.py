"""The knowledge base's use cases as the entrypoints run them: one unit of work (or a read-only
session) per call, as a principal."""
from services.service_desk.knowledge.handlers import articles, finding


def write(db, principal, **data):
    data = {"title": "Printer offline", "body": "Restart the **printer**.", **data}
    with db.unit_of_work(actor=principal.user_id) as uow:
        return articles.create_article(uow, principal, data)


def update(db, principal, article_id, **data):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return articles.update_article(uow, principal, article_id, data)


def move(db, principal, article_id, status):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return articles.change_status(uow, principal, article_id, {"status": status})


def published(db, principal, **data):
    return move(db, principal, write(db, principal, **data)["id"], "published")


def vote(db, principal, article_id, helpful):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return articles.vote(uow, principal, article_id, {"helpful": helpful})


def get(db, principal, article_id):
    with db.read_only() as session:
        return articles.get_article(session, principal, article_id)


def listing(db, principal, **query):
    with db.read_only() as session:
        return articles.list_articles(session, principal, query)


def search(db, principal, q, **query):
    with db.read_only() as session:
        return finding.search_articles(session, principal, {"q": q, **query})


def suggest(db, principal, ticket_id, **query):
    with db.read_only() as session:
        return finding.suggest_for_ticket(session, principal, {"ticket_id": ticket_id, **query})


def link(db, principal, article_id, ticket_id):
    with db.unit_of_work(actor=principal.user_id) as uow:
        return finding.link_solution(uow, principal, article_id, {"ticket_id": ticket_id})
