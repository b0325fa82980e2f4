"""identity's entrypoints: who is calling, one unit of work (or a read-only session), one use case.
A mixin of IdentityService (it provides db and principal)."""
from services.chassis.rpc import rpc                # replies without confirms
from services.identity.handlers import api_keys, login, sessions, teams, users

ADMIN, MANAGER = "admin", "manager"     # require() also lets admin and the system through


class IdentityEntrypoints:
    # --- public: these establish who the caller is -------------------------------------------
    @rpc
    def issue_token(self, email, password, client_ip=None):
        """`client_ip`: the gateway's view of the caller, for the per-address failure count."""
        return login.issue_token(self.db, email, password, client_ip)

    @rpc
    def authenticate_api_key(self, key):
        with self.db.read_only() as session:
            return api_keys.authenticate_api_key(session, key)

    @rpc
    def get_token_state(self, user_id):
        """{user_id, token_version, active}: what the gateway checks a bearer token against."""
        with self.db.read_only() as session:
            return sessions.get_token_state(session, user_id)

    @rpc
    def logout(self):
        """Ends every session of the caller: all their tokens stop working."""
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return sessions.logout(uow, principal)

    # --- users ---------------------------------------------------------------------------------
    @rpc
    def get_user(self, user_id):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return users.get_user(session, principal, user_id)

    @rpc
    def list_users(self, query=None):
        principal = self.principal.require(MANAGER)
        with self.db.read_only() as session:
            return users.list_users(session, principal, query)

    @rpc
    def list_active_users(self, role=None, region=None, team_id=None):
        self.principal.require()
        with self.db.read_only() as session:
            return users.list_active_users(session, role=role, region=region, team_id=team_id)

    @rpc
    def create_user(self, data):
        principal = self.principal.require(ADMIN)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return users.create_user(uow, data)

    @rpc
    def update_user(self, user_id, data):
        principal = self.principal.require(ADMIN)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return users.update_user(uow, principal, user_id, data)

    @rpc
    def deactivate_user(self, user_id):
        principal = self.principal.require(ADMIN)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return users.deactivate_user(uow, principal, user_id)

    # --- teams ---------------------------------------------------------------------------------
    @rpc
    def create_team(self, data):
        principal = self.principal.require(ADMIN)
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return teams.create_team(uow, data)

    @rpc
    def list_teams(self):
        self.principal.require()
        with self.db.read_only() as session:
            return teams.list_teams(session)

    # --- API keys (each user their own; admin all) ---------------------------------------------
    @rpc
    def create_api_key(self, name):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return api_keys.create_api_key(uow, principal, name)

    @rpc
    def list_api_keys(self):
        principal = self.principal.require()
        with self.db.read_only() as session:
            return api_keys.list_api_keys(session, principal)

    @rpc
    def revoke_api_key(self, key_id):
        principal = self.principal.require()
        with self.db.unit_of_work(actor=principal.user_id) as uow:
            return api_keys.revoke_api_key(uow, principal, key_id)
