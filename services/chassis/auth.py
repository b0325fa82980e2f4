"""The caller's principal, carried in nameko context data, and record-level scopes.

The gateway authenticates the HTTP request and puts the principal into its worker's context
data; nameko copies context data into every RPC it makes (AMQP headers), so each service knows
who is asking and enforces scopes in its own queries. The broker is a trusted internal network:
anything that can publish to it can claim any principal.
"""
import json
from dataclasses import asdict, dataclass

from nameko.extensions import DependencyProvider
from sqlalchemy import false, or_, true

from services.chassis.errors import Forbidden, Unauthorized

# buyer: procurement's (services/procurement/roles.py); it owns and reads no customer records.
ROLES = ("admin", "manager", "sales_rep", "marketer", "agent", "support_manager", "buyer")
CONTEXT_KEY = "principal"


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: str
    team_id: str | None = None
    region: str | None = None

    @property
    def is_admin(self):
        return self.role in ("admin", "system")

    def to_json(self):
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text):
        return cls(**json.loads(text))


# Timers and event handlers act as the system, never as a user.
SYSTEM = Principal(user_id="system", role="system")


class PrincipalAccess:
    def __init__(self, worker_ctx):
        self._worker_ctx = worker_ctx

    def get(self):
        raw = self._worker_ctx.data.get(CONTEXT_KEY)
        return Principal.from_json(raw) if raw else None

    def require(self, *roles):
        """The caller, who must be authenticated and (if roles are given) hold one of them."""
        principal = self.get()
        if principal is None:
            raise Unauthorized("No authenticated principal on this call.")
        if roles and not principal.is_admin and principal.role not in roles:
            raise Forbidden(f"The role '{principal.role}' may not do this.")
        return principal

    def set(self, principal):
        """Gateway only: every RPC made by this worker from now on carries `principal`."""
        self._worker_ctx.data[CONTEXT_KEY] = principal.to_json()


class CurrentPrincipal(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return PrincipalAccess(worker_ctx)


# Roles that read every record of a shared book (support answers any customer; marketing
# segments the whole base) but own none of them. support_manager: the service desk's supervisor
# (every ticket queue, services/service_desk/roles.py).
READ_ALL_ROLES = ("marketer", "agent", "support_manager")


def owner_scope(owner_column, principal, team_member_ids=(), for_write=False):
    """SQL condition limiting rows to what `principal` may see (or change, with for_write).

    admin: everything; manager: own + team members'; sales_rep: own; marketer/agent: read all,
    write none they do not own.
    """
    if principal.is_admin:
        return true()
    if principal.role == "manager":
        return or_(owner_column == principal.user_id, owner_column.in_(list(team_member_ids)))
    if principal.role in READ_ALL_ROLES and not for_write:
        return true()
    if principal.role in ("sales_rep",) + READ_ALL_ROLES:
        return owner_column == principal.user_id
    return false()
