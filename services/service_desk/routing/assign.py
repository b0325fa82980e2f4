"""Choosing the agent of a new ticket in its team (issue 12 §4): the team's active agents who are
not away, in id order; `round_robin` takes the next after the last one chosen, `least_loaded` the
one with the fewest unresolved tickets (open or paused), ties going round in the same order.

Fair and determined under concurrency: the team's `team_routing` row is updated (a turn counted)
before anything is read — on PostgreSQL that row lock, on SQLite the database write lock, makes
a second replica assigning at the same moment wait for the first one's commit, and then see its
choice and its ticket (a new statement in READ COMMITTED sees what committed before it)."""
from sqlalchemy import func, select, update

from services.service_desk.directory.models import UserCopy
from services.service_desk.routing.models import (LEAST_LOADED, MANUAL, AgentAvailability,
                                                  TeamRouting)
from services.service_desk.tickets.models import Ticket

UNRESOLVED = ("open", "paused")


def available_agents(session, team_id):
    away = select(AgentAvailability.user_id).where(AgentAvailability.away.is_(True))
    return list(session.scalars(
        select(UserCopy.id).where(UserCopy.team_id == team_id, UserCopy.role == "agent",
                                  UserCopy.active.is_(True), UserCopy.id.not_in(away))
        .order_by(UserCopy.id)))


def loads(session, agent_ids):
    """{agent id: unresolved tickets assigned} (0 for none)."""
    counted = dict(session.execute(
        select(Ticket.assignee_id, func.count()).where(
            Ticket.assignee_id.in_(agent_ids), Ticket.status_category.in_(UNRESOLVED))
        .group_by(Ticket.assignee_id)).all()) if agent_ids else {}
    return {agent: counted.get(agent, 0) for agent in agent_ids}


def _in_turn(agents, last):
    """The agents starting after `last` (round-robin order)."""
    later = [agent for agent in agents if last is None or agent > last]
    return later + [agent for agent in agents if agent not in later]


def next_agent(session, team_id):
    """(agent id, mode) for a new ticket of `team_id`, or (None, mode) when the team routes
    manually or has nobody available. Counts the turn and remembers the choice."""
    if not team_id:
        return None, MANUAL
    turn = session.execute(
        update(TeamRouting).where(TeamRouting.team_id == team_id)
        .values(turns=TeamRouting.turns + 1)
        .returning(TeamRouting.mode, TeamRouting.last_assignee_id)).first()
    if turn is None or turn.mode == MANUAL:
        return None, MANUAL
    agents = _in_turn(available_agents(session, team_id), turn.last_assignee_id)
    if not agents:
        return None, turn.mode
    if turn.mode == LEAST_LOADED:
        load = loads(session, agents)
        chosen = min(agents, key=lambda agent: load[agent])     # first in turn among the least
    else:
        chosen = agents[0]
    session.execute(update(TeamRouting).where(TeamRouting.team_id == team_id)
                    .values(last_assignee_id=chosen))
    return chosen, turn.mode
