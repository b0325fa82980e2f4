"""The knowledge base: articles (write, change, publish, read, list), search, "was this
helpful", suggestions for a ticket and solution links. A mixin of ServiceDeskService. Who may:
roles.py (KB_WRITE, KB_READ); which articles: knowledge/scopes.py; which tickets:
tickets/scopes.py."""
from services.chassis.rpc import rpc
from services.service_desk import roles
from services.service_desk.knowledge.handlers import articles, finding


class KnowledgeEntrypoints:
    @rpc
    def create_article(self, data):
        principal = self.principal.require(*roles.KB_WRITE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return articles.create_article(uow, principal, data)

    @rpc
    def update_article(self, article_id, data):
        principal = self.principal.require(*roles.KB_WRITE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return articles.update_article(uow, principal, article_id, data)

    @rpc
    def change_article_status(self, article_id, data):
        principal = self.principal.require(*roles.KB_WRITE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return articles.change_status(uow, principal, article_id, data)

    @rpc
    def get_article(self, article_id):
        principal = self.principal.require(*roles.KB_READ)
        with self.db.read_only() as session:
            return articles.get_article(session, principal, article_id)

    @rpc
    def list_articles(self, query=None):
        principal = self.principal.require(*roles.KB_READ)
        with self.db.read_only() as session:
            return articles.list_articles(session, principal, query)

    @rpc
    def set_article_feedback(self, article_id, data):
        principal = self.principal.require(*roles.KB_READ)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return articles.vote(uow, principal, article_id, data)

    @rpc
    def search_articles(self, query=None):
        principal = self.principal.require(*roles.KB_READ)
        with self.db.read_only() as session:
            return finding.search_articles(session, principal, query)

    @rpc
    def suggest_articles(self, query=None):
        principal = self.principal.require(*roles.WORK)
        with self.db.read_only() as session:
            return finding.suggest_for_ticket(session, principal, query)

    @rpc
    def link_article_solution(self, article_id, data):
        principal = self.principal.require(*roles.WORK)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return finding.link_solution(uow, principal, article_id, data)
