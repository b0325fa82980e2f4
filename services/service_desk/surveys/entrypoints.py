"""Satisfaction surveys (issue 12 §7): the public link's two calls (no principal: the signed
token is the proof) and the list for the people who see the tickets. Surveys are created and
mailed by a ticket's resolution (surveys/resolution.py) and marked sent by the email channel's
timer (surveys/delivery.py). A mixin of ServiceDeskService (it provides db, principal)."""
from services.chassis.models import utcnow
from services.chassis.rpc import rpc
from services.service_desk import roles
from services.service_desk.surveys import answer, handlers


class SurveyEntrypoints:
    @rpc
    def get_survey(self, token):
        with self.db.read_only() as session:
            return answer.show(session, token, utcnow())

    @rpc
    def answer_survey(self, token, data):
        with self.db.unit_of_work(actor="customer") as uow:
            return answer.answer(uow, token, data, utcnow())

    @rpc
    def list_surveys(self, query=None):
        principal = self.principal.require(*roles.READ)
        with self.db.read_only() as session:
            return handlers.list_surveys(session, principal, query)
