"""Tasks on a customer and/or a deal: create, read, list (due / overdue, ordered by due time),
change, complete or cancel. Automatic tasks (follow-ups, reminders) are made by `new_task`.

Scope: the assignee. A rep sees and changes the tasks assigned to them, a manager their team's,
admin all (another's task is a 404). A rep assigns only to themselves, a manager within the
team. Status: open → done (complete) or cancelled; a cancelled or done task may be reopened.
"""
import uuid
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import and_, not_, or_, select

from services.chassis import pagination
from services.chassis.errors import Conflict, Forbidden, Invalid, NotFound
from services.chassis.models import utcnow
from services.chassis.validation import load
from services.sales import scopes
from services.sales.deals.models import Deal
from services.sales.tasks import schemas
from services.sales.tasks.models import Task
from services.sales.users import UserCopy, team_member_ids

EVENT_FIELDS = ("id", "title", "kind", "customer_id", "deal_id", "assignee_id", "due_at",
                "status", "origin", "created_by", "created_at", "completed_at")
TASKS_SCHEMA = schemas.Task(many=True)
COLUMNS = tuple(name for name in schemas.Task().fields if name != "overdue")
CHANGEABLE = ("title", "kind", "notes", "due_at", "assignee_id", "status")


def record(task):
    """The task as its events carry it (tasks/events.py TaskRecord)."""
    return {name: getattr(task, name) for name in EVENT_FIELDS}


def overdue_condition(now):
    return and_(Task.status == "open", Task.due_at < now)


def dump_many(session, tasks):
    now = utcnow()
    return TASKS_SCHEMA.dump([{**{name: getattr(task, name) for name in COLUMNS},
                               "overdue": task.status == "open" and task.due_at < now}
                              for task in tasks])


def one(session, principal, task_id, for_write=False):
    if not isinstance(task_id, str) or len(task_id) > 36:
        raise NotFound(f"No task {task_id}.", {"id": task_id})
    query = select(Task).where(Task.id == task_id, scopes.condition(
        session, principal, Task.assignee_id, for_write))
    found = session.scalar(query.with_for_update() if for_write else query)
    if found is None:
        raise NotFound(f"No task {task_id}.", {"id": task_id})
    return found


def check_assignee(session, principal, assignee_id):
    """The assignee is an active user of the users copy whom the caller may give work to."""
    user = session.get(UserCopy, assignee_id)
    if user is None or not user.active:
        raise Invalid("The request is not valid.", {"assignee_id": ["No active user has this id."]})
    if principal.is_admin or assignee_id == principal.user_id:
        return
    if principal.role == "manager" and assignee_id in team_member_ids(session, principal):
        return
    raise Forbidden("You may assign tasks only to yourself (a manager: to the team).",
                    {"assignee_id": assignee_id})


def new_task(uow, *, title, kind, assignee_id, due_at, origin, created_by, customer_id=None,
             deal_id=None, notes=None, origin_key=None):
    """Insert an open task and emit task_created. With an `origin_key` already used (the same
    occurrence again), nothing is made and None is returned."""
    session = uow.session
    if origin_key and session.scalar(select(Task.id).where(Task.origin_key == origin_key)):
        return None
    now = utcnow()
    task = Task(id=str(uuid.uuid4()), title=title[:200], kind=kind, notes=notes,
                customer_id=customer_id, deal_id=deal_id, assignee_id=assignee_id,
                status="open", origin=origin, origin_key=origin_key, due_at=due_at,
                created_by=created_by, created_at=now, updated_at=now)
    session.add(task)
    uow.emit("task_created", record(task))
    return task


def create_task(uow, principal, data, customer_id=None):
    """`customer_id`: the customer as customers resolved it for the caller (a merged id becomes
    its winner), when the request names one."""
    session = uow.session
    data = load(schemas.TaskCreate, data)
    deal = None
    if data.get("deal_id"):
        try:
            deal = scopes.one(session, principal, Deal, data["deal_id"])
        except NotFound:
            raise Invalid("The request is not valid.",
                          {"deal_id": ["No deal you can see has this id."]})
    customer_id = customer_id or data.get("customer_id")
    if deal is not None:
        if customer_id and customer_id != deal.customer_id:
            raise Invalid("The request is not valid.",
                          {"customer_id": ["Not the customer of this deal."]})
        customer_id = deal.customer_id
    assignee_id = data.get("assignee_id") or (
        deal.owner_id if deal is not None and deal.owner_id else principal.user_id)
    check_assignee(session, principal, assignee_id)
    task = new_task(uow, title=data["title"], kind=data["kind"], notes=data.get("notes"),
                    customer_id=customer_id, deal_id=deal.id if deal else None,
                    assignee_id=assignee_id, due_at=data["due_at"], origin="manual",
                    created_by=principal.user_id)
    return dump_many(session, [task])[0]


def get_task(session, principal, task_id):
    return dump_many(session, [one(session, principal, task_id)])[0]


def _page(session, statement, filters, scope):
    """Soonest due first: keyset pages over (due_at, id), cursors signed by the chassis."""
    size = pagination.page_size(filters.get("limit"))
    if filters.get("cursor"):
        due, last_id = pagination.decode_cursor(filters["cursor"], scope)
        try:
            due = datetime.fromisoformat(due)
        except (TypeError, ValueError):
            raise Invalid("The cursor is not valid.", {"cursor": ["Unreadable position."]})
        statement = statement.where(or_(Task.due_at > due,
                                        and_(Task.due_at == due, Task.id > last_id)))
    rows = list(session.scalars(statement.order_by(Task.due_at, Task.id).limit(size + 1)))
    more, rows = len(rows) > size, rows[:size]
    cursor = pagination.encode_cursor([rows[-1].due_at.isoformat(), rows[-1].id], scope) \
        if more else None
    return {"items": dump_many(session, rows), "next_cursor": cursor}


def _listed(session, principal, filters):
    statement = select(Task).where(scopes.condition(session, principal, Task.assignee_id))
    for name in ("assignee_id", "status", "customer_id", "deal_id"):
        if filters.get(name) is not None:
            statement = statement.where(getattr(Task, name) == filters[name])
    if filters.get("due_before") is not None:
        statement = statement.where(Task.due_at < filters["due_before"])
    if filters.get("overdue") is not None:
        condition = overdue_condition(utcnow())
        statement = statement.where(condition if filters["overdue"] else not_(condition))
    names = ("assignee_id", "status", "customer_id", "deal_id", "due_before", "overdue")
    scope = "tasks:" + ":".join(str(filters.get(name)) for name in names)
    return _page(session, statement, filters, scope)


def list_tasks(session, principal, query=None):
    return _listed(session, principal, load(schemas.TaskQuery, query or {}))


def end_of_today():
    return datetime.combine(utcnow().date() + timedelta(days=1), time(), tzinfo=timezone.utc)


def my_tasks(session, principal, query=None):
    """The caller's open tasks due before the end of today (UTC) — overdue ones first."""
    filters = load(schemas.MyTasksQuery, query or {})
    return _listed(session, principal, {
        **filters, "assignee_id": principal.user_id, "status": "open",
        "due_before": filters.get("due_before") or end_of_today()})


def update_task(uow, principal, task_id, data):
    session = uow.session
    data = load(schemas.TaskUpdate, data, partial=True)
    task = one(session, principal, task_id, for_write=True)
    if data.get("assignee_id") and data["assignee_id"] != task.assignee_id:
        check_assignee(session, principal, data["assignee_id"])
    changed = [name for name in CHANGEABLE
               if name in data and data[name] != getattr(task, name)]
    if "status" in changed and data["status"] == "open":
        task.completed_at = None
    for name in changed:
        setattr(task, name, data[name])
    if "due_at" in changed or ("status" in changed and task.status == "open"):
        task.due_notified_at = None         # a new due time (or a reopened task) is due again
    if changed:
        task.updated_at = utcnow()
        uow.emit("task_updated", {**record(task), "changed": changed,
                                  "changed_by": principal.user_id})
    return dump_many(session, [task])[0]


def complete_task(uow, principal, task_id):
    session = uow.session
    task = one(session, principal, task_id, for_write=True)
    if task.status != "open":
        raise Conflict(f"The task is {task.status}.", {"status": task.status})
    task.status, task.completed_at = "done", utcnow()
    task.updated_at = task.completed_at
    uow.emit("task_completed", {**record(task), "completed_by": principal.user_id})
    return dump_many(session, [task])[0]
