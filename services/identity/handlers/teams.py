"""Teams: the unit a manager's scope is drawn from (users.team_id)."""
from sqlalchemy import func, select

from services.chassis.errors import Conflict, Invalid
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.identity import schemas
from services.identity.handlers.users import flush_or_conflict
from services.identity.models import Team, User, new_id

TEAM = schemas.Team()


def create_team(uow, data):
    values = load(schemas.TeamCreate, data)
    session = uow.session
    # Names are unique regardless of case: "EMEA Sales" and "emea sales" are the same team.
    if session.scalar(select(Team.id).where(func.lower(Team.name) == values["name"].lower())):
        raise Conflict("A team with this name already exists.", {"field": "name"})
    if values.get("manager_id") and session.get(User, values["manager_id"]) is None:
        raise Invalid("The request is not valid.", {"manager_id": ["No such user."]})
    team = Team(id=new_id(), name=values["name"], manager_id=values.get("manager_id"),
                region=values.get("region"), created_at=utcnow())
    session.add(team)
    flush_or_conflict(session, "A team with this name already exists.", {"field": "name"})
    return TEAM.dump(team)


def list_teams(session):
    return [TEAM.dump(team) for team in session.scalars(select(Team).order_by(Team.name, Team.id))]
