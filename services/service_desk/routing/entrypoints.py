"""Routing: the rules and each team's mode (read by agents; changed by support managers and
admins), agents' availability (an agent their own) and the agents with their load. A mixin of
ServiceDeskService (it provides db, principal)."""
from services.chassis.rpc import rpc  # replies without confirms
from services.service_desk import roles
from services.service_desk.routing import handlers


class RoutingEntrypoints:
    @rpc
    def get_routing_rules(self):
        self.principal.require(*roles.WORK)
        with self.db.read_only() as session:
            return handlers.get_rules(session)

    @rpc
    def replace_routing_rules(self, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.replace_rules(uow, principal, data)

    @rpc
    def get_team_routing(self, team_id):
        self.principal.require(*roles.WORK)
        with self.db.read_only() as session:
            return handlers.get_team_routing(session, team_id)

    @rpc
    def set_team_routing(self, team_id, data):
        principal = self.principal.require(*roles.MANAGE)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.set_team_routing(uow, principal, team_id, data)

    @rpc
    def list_agents(self, query=None):
        principal = self.principal.require(*roles.WORK)
        with self.db.read_only() as session:
            return handlers.list_agents(session, principal, query)

    @rpc
    def set_agent_availability(self, user_id, data):
        principal = self.principal.require(*roles.WORK)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return handlers.set_availability(uow, principal, user_id, data)
