"""Routing's use cases: the rules (read; replaced as a whole), a team's mode, an agent's
availability (agents set their own; support managers and admins anyone's), the agents with
their availability and load; `team_for`: the rules' team of a new ticket (tickets/handlers/
create.py routes a new ticket: its team from the rules, its agent from routing/assign.py)."""
from sqlalchemy import delete, select

from services.chassis import pagination
from services.chassis.errors import Forbidden, NotFound
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.service_desk import roles
from services.service_desk.directory.models import UserCopy
from services.service_desk.routing import assign, schemas
from services.service_desk.routing.models import (MANUAL, AgentAvailability, RoutingRule,
                                                  TeamRouting)

RULES, TEAM, AGENT = schemas.RoutingRules(), schemas.TeamRouting(), schemas.Agent()
RULE_FIELDS = ("category", "channel", "team_id")


def _rules(session):
    return [{name: getattr(rule, name) for name in RULE_FIELDS} for rule in
            session.scalars(select(RoutingRule).order_by(RoutingRule.position))]


def get_rules(session):
    return RULES.dump({"rules": _rules(session), "changed_by": None, "changed_at": None})


def replace_rules(uow, principal, data):
    rules, session, now = load(schemas.RuleSet, data)["rules"], uow.session, utcnow()
    session.execute(delete(RoutingRule))
    session.add_all([RoutingRule(position=index, category=rule.get("category"),
                                 channel=rule.get("channel"), team_id=rule["team_id"])
                     for index, rule in enumerate(rules)])
    session.flush()
    saved = _rules(session)
    uow.emit("routing_rules_replaced", {"rules": saved, "changed_by": principal.user_id,
                                        "changed_at": now})
    return RULES.dump({"rules": saved, "changed_by": principal.user_id, "changed_at": now})


def team_for(session, category, channel):
    """The team of the first rule matching (category, channel), or None."""
    for rule in session.scalars(select(RoutingRule).order_by(RoutingRule.position)):
        if (rule.category is None or rule.category == category) and \
                (rule.channel is None or rule.channel == channel):
            return rule.team_id
    return None


def _team_id(team_id):
    if not isinstance(team_id, str) or not 0 < len(team_id) <= 36:
        raise NotFound(f"No team {team_id}.", {"id": team_id})
    return team_id


def get_team_routing(session, team_id):
    row = session.get(TeamRouting, _team_id(team_id))
    if row is None:
        return TEAM.dump({"team_id": team_id, "mode": MANUAL, "last_assignee_id": None,
                          "turns": 0, "changed_by": None, "changed_at": None})
    return TEAM.dump(row)


def set_team_routing(uow, principal, team_id, data):
    mode, session, now = load(schemas.TeamRoutingSet, data)["mode"], uow.session, utcnow()
    row = session.get(TeamRouting, _team_id(team_id), with_for_update=True)
    previous = row.mode if row else MANUAL
    if row is None:
        row = TeamRouting(team_id=team_id, turns=0, mode=mode, changed_by=principal.user_id,
                          changed_at=now)
        session.add(row)
    if previous != mode:
        row.mode, row.changed_by, row.changed_at = mode, principal.user_id, now
    session.flush()
    if previous != mode:
        uow.emit("team_routing_changed", {"team_id": team_id, "mode": mode,
                                          "previous_mode": previous,
                                          "changed_by": principal.user_id, "changed_at": now})
    return TEAM.dump(row)


def set_availability(uow, principal, user_id, data):
    away, session = load(schemas.AvailabilitySet, data)["away"], uow.session
    if principal.role == roles.AGENT and user_id != principal.user_id:
        raise Forbidden("An agent sets only their own availability.", {"field": "user_id"})
    user = session.get(UserCopy, user_id) if isinstance(user_id, str) else None
    if user is None or user.role not in roles.ASSIGNABLE:
        raise NotFound(f"No agent {user_id}.", {"id": user_id})
    row = session.get(AgentAvailability, user_id, with_for_update=True)
    if row is None or row.away != away:
        now = utcnow()
        if row is None:
            row = AgentAvailability(user_id=user_id)
            session.add(row)
        row.away, row.changed_by, row.changed_at = away, principal.user_id, now
        session.flush()
        uow.emit("agent_availability_changed", {
            "user_id": user_id, "team_id": user.team_id, "away": away,
            "changed_by": principal.user_id, "changed_at": now})
    return _agents(session, [user])[0]


def _agents(session, users):
    ids = [user.id for user in users]
    away = set(session.scalars(select(AgentAvailability.user_id).where(
        AgentAvailability.user_id.in_(ids), AgentAvailability.away.is_(True)))) if ids else set()
    load_of = assign.loads(session, ids)
    return [AGENT.dump({"id": user.id, "name": user.name, "role": user.role,
                        "team_id": user.team_id, "active": user.active,
                        "away": user.id in away, "unresolved": load_of[user.id]})
            for user in users]


def list_agents(session, principal, query=None):
    filters = load(schemas.AgentQuery, query or {})
    statement = select(UserCopy).where(UserCopy.role.in_(roles.WORK))
    if filters.get("team_id"):
        statement = statement.where(UserCopy.team_id == filters["team_id"])
    scope, size = f"agents:{filters.get('team_id')}", pagination.page_size(filters.get("limit"))
    if filters.get("cursor"):
        (last_id,) = pagination.decode_cursor(filters["cursor"], scope)
        statement = statement.where(UserCopy.id > str(last_id))
    users = list(session.scalars(statement.order_by(UserCopy.id).limit(size + 1)))
    more, users = len(users) > size, users[:size]
    return {"items": _agents(session, users),
            "next_cursor": pagination.encode_cursor([users[-1].id], scope) if more else None}

