"""User use cases: create, change, deactivate, read, list — and who may read whom.

Plain functions over a unit of work (writes) or a session (reads); the service class checks
the caller's role first, these enforce the record-level rules in their queries. A user the
caller may not see answers NotFound, exactly like one that does not exist.
"""
from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.exc import IntegrityError

from services.chassis.errors import Conflict, Invalid, NotFound
from services.chassis.models import utcnow
from services.chassis.pagination import decode_cursor, encode_cursor, page_size
from services.chassis.validation import load
from services.identity import schemas
from services.identity.events import USER_CREATED, USER_DEACTIVATED, USER_UPDATED
from services.identity.handlers.sessions import GRANTS, revoke_tokens
from services.identity.models import Team, User, new_id
from services.identity.passwords import hash_password

USER = schemas.User()
CURSOR_SCOPE = "identity.users:email,id"


def dump(user):
    return USER.dump(user)


# --- who may read whom ----------------------------------------------------------------------

def visible_to(session, principal):
    """SQL condition: the users `principal` may read. Admin: all; manager: themselves, the
    users of their team and the users reporting to them; everyone else: themselves."""
    if principal.is_admin:
        return true()
    own = User.id == principal.user_id
    if principal.role != "manager":
        return own
    # The team comes from the database, not the token: a moved manager must not keep reading
    # their old team until the token expires.
    team_id = session.scalar(select(User.team_id).where(User.id == principal.user_id))
    conditions = [own, User.manager_id == principal.user_id]
    if team_id:
        conditions.append(User.team_id == team_id)
    return or_(*conditions)


def find_user(session, principal, user_id):
    if not isinstance(user_id, str):
        raise NotFound("No such user.", {"id": str(user_id)})
    user = session.scalar(select(User).where(User.id == user_id, visible_to(session, principal)))
    if user is None:
        raise NotFound("No such user.", {"id": user_id})
    return user


# --- reads ----------------------------------------------------------------------------------

def get_user(session, principal, user_id):
    return dump(find_user(session, principal, user_id))


def list_users(session, principal, query):
    values = load(schemas.UserQuery, query if query is not None else {})
    limit = page_size(values.get("limit"))
    statement = select(User).where(visible_to(session, principal))
    for name in ("role", "region", "team_id", "active"):
        if name in values:
            statement = statement.where(getattr(User, name) == values[name])
    if values.get("q"):
        needle = values["q"].lower()
        statement = statement.where(or_(func.lower(User.name).contains(needle, autoescape=True),
                                        User.email.contains(needle, autoescape=True)))
    if values.get("cursor"):
        email, user_id = decode_cursor(values["cursor"], CURSOR_SCOPE)
        statement = statement.where(or_(User.email > email,
                                        and_(User.email == email, User.id > user_id)))
    rows = session.scalars(statement.order_by(User.email, User.id).limit(limit + 1)).all()
    page, more = rows[:limit], len(rows) > limit
    next_cursor = encode_cursor([page[-1].email, page[-1].id], CURSOR_SCOPE) if more else None
    return {"items": [dump(user) for user in page], "next_cursor": next_cursor}


def list_active_users(session, role=None, region=None, team_id=None):
    """Candidates for assignment: active users, optionally of one role / region / team."""
    given = {k: v for k, v in {"role": role, "region": region, "team_id": team_id}.items()
             if v is not None}
    values = load(schemas.ActiveUsersQuery, given)
    statement = select(User).where(User.active.is_(True))
    for name, value in values.items():
        statement = statement.where(getattr(User, name) == value)
    return [dump(user) for user in session.scalars(statement.order_by(User.name, User.id))]


# --- writes ---------------------------------------------------------------------------------

def create_user(uow, data):
    values = load(schemas.UserCreate, data)
    session = uow.session
    _check_references(session, values)
    _ensure_email_free(session, values["email"])
    now = utcnow()
    user = User(id=new_id(), email=values["email"], name=values["name"], role=values["role"],
                team_id=values.get("team_id"), region=values.get("region"),
                manager_id=values.get("manager_id"), active=True,
                password_hash=hash_password(values["password"]), created_at=now, updated_at=now)
    session.add(user)
    flush_or_conflict(session, "A user with this email already exists.", {"field": "email"})
    uow.emit(USER_CREATED, user)
    return dump(user)


def update_user(uow, principal, user_id, data):
    """Partial change. Emits user_deactivated if this change deactivates the user (the payload
    carries every other change too), otherwise user_updated if anything changed."""
    values = load(schemas.UserUpdate, data)     # every field is optional
    session = uow.session
    user = find_user(session, principal, user_id)
    _check_references(session, values, user_id=user.id)
    if "email" in values and values["email"] != user.email:
        _ensure_email_free(session, values["email"])
    if _removes_an_admin(user, values.get("role", user.role), values.get("active", user.active)):
        _keep_one_admin(session, user)
    was_active = user.active
    changed = set()
    for name, value in values.items():
        if name == "password":
            user.password_hash = hash_password(value)
            changed.add(name)
        elif getattr(user, name) != value:
            setattr(user, name, value)
            changed.add(name)
    if not changed:
        return dump(user)
    user.updated_at = utcnow()
    flush_or_conflict(session, "A user with this email already exists.", {"field": "email"})
    deactivated = was_active and not user.active
    uow.emit(USER_DEACTIVATED if deactivated else USER_UPDATED, user)
    if changed & set(GRANTS):
        revoke_tokens(uow, user, "deactivated" if deactivated else
                      "password_changed" if changed == {"password"} else "access_changed")
    return dump(user)


def deactivate_user(uow, principal, user_id):
    """Idempotent: an inactive user is answered as is, with no second event."""
    session = uow.session
    user = find_user(session, principal, user_id)
    if not user.active:
        return dump(user)
    if _removes_an_admin(user, user.role, False):
        _keep_one_admin(session, user)
    user.active = False
    user.updated_at = utcnow()
    uow.emit(USER_DEACTIVATED, user)
    revoke_tokens(uow, user, "deactivated")
    return dump(user)


# --- rules ----------------------------------------------------------------------------------

def flush_or_conflict(session, message, details):
    """The unique constraints are the last word when two writers race past the checks."""
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(message, details)


def _ensure_email_free(session, email):
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("A user with this email already exists.", {"field": "email"})


def _check_references(session, values, user_id=None):
    errors = {}
    if values.get("team_id") and session.get(Team, values["team_id"]) is None:
        errors["team_id"] = ["No such team."]
    manager_id = values.get("manager_id")
    if manager_id:
        if manager_id == user_id:
            errors["manager_id"] = ["A user cannot be their own manager."]
        elif session.get(User, manager_id) is None:
            errors["manager_id"] = ["No such user."]
    if errors:
        raise Invalid("The request is not valid.", errors)


def _removes_an_admin(user, new_role, new_active):
    return user.role == "admin" and user.active and (new_role != "admin" or not new_active)


def _keep_one_admin(session, user):
    others = session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.id != user.id))
    if not others:
        raise Conflict("The last active admin cannot be demoted or deactivated.",
                       {"id": user.id})
