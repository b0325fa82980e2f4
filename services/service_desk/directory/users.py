"""The service desk's copy of identity's users (the shared kernel's UsersCopy over its own
table): who may be assigned a ticket, agents' teams, sales managers' teams (their reps'
customers' tickets)."""
from sqlalchemy import select

from services.chassis.errors import Invalid
from services.kernel.users_copy import UsersCopy
from services.service_desk import roles
from services.service_desk.directory.models import UserCopy

users = UsersCopy(UserCopy)


def team_of(session, principal):
    """The caller's team: the token's, else the copy's."""
    if principal.team_id:
        return principal.team_id
    user = session.get(UserCopy, principal.user_id)
    return user.team_id if user else None


def check_assignee(session, assignee_id, team_id):
    """The assignee must be an active agent, support manager or admin the copy knows; an agent
    must belong to the ticket's team (when it has one). Returns the assignee's team."""
    user = session.get(UserCopy, assignee_id)
    if user is None or not user.active or user.role not in roles.ASSIGNABLE:
        raise Invalid("The request is not valid.", {"assignee_id": [
            "Not an active agent, support manager or admin."]})
    if team_id and user.role == roles.AGENT and user.team_id != team_id:
        raise Invalid("The request is not valid.", {"assignee_id": [
            "This agent is not in the ticket's team."]})
    return user.team_id


def supervisor_of(session, team_id, agent_id=None):
    """Who a ticket of `team_id` (handled by `agent_id`) escalates to, from the users copy:
    the team's active support manager (the lowest id when it has several), else the agent's
    own manager when that is an active support manager or admin, else a support manager of no
    team (the whole desk's); None when there is nobody."""
    active = (UserCopy.active.is_(True), UserCopy.role == roles.SUPPORT_MANAGER)
    if team_id:
        found = session.scalar(select(UserCopy.id).where(*active, UserCopy.team_id == team_id)
                               .order_by(UserCopy.id).limit(1))
        if found:
            return found
    agent = session.get(UserCopy, agent_id) if agent_id else None
    if agent is not None and agent.manager_id:
        manager = session.get(UserCopy, agent.manager_id)
        if manager is not None and manager.active and manager.role in (roles.SUPPORT_MANAGER,
                                                                       "admin"):
            return manager.id
    return session.scalar(select(UserCopy.id).where(*active, UserCopy.team_id.is_(None))
                          .order_by(UserCopy.id).limit(1))
