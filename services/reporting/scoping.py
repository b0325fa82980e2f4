"""What every report does to its rows: scope them like the source service's own lists (a rep:
their own records, a manager: the team's from the users copy, admin and the read-all roles:
all — services.chassis.auth.owner_scope), filter them by the query's dimensions, label ids with
names from the users copy."""
from services.chassis.auth import owner_scope
from services.reporting.domains.identity.queries import names, team_member_ids

NAMED = ("owner_id", "user_id")      # ids that get a *_name label from the users copy


def scope(session, principal, column):
    members = team_member_ids(session, principal) if principal.role == "manager" else ()
    return owner_scope(column, principal, members)


def filters(model, query, dimensions):
    """({dimension: values} used, [conditions]) for the query's filters on `dimensions`."""
    used = {name: query[name] for name in dimensions if name in query}
    return used, [getattr(model, name).in_(values) for name, values in used.items()]


def label(session, rows, group_by):
    ids = [row[name] for row in rows for name in NAMED if name in group_by]
    found = names(session, ids)
    for row in rows:
        for name in NAMED:
            if name in group_by:
                row[name.replace("_id", "_name")] = found.get(row[name])
    return rows


def sort_key(group_by):
    return lambda row: [row.get("period") or ""] + [row[name] or "" for name in group_by]
