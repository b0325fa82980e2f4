"""Customer groups (GET /reports/customers/groups, issue 17 item 3): k-means on the customers'
standardised behaviour (features.py, clusters.py), each group described in words from its
mean against everyone's. The groups are the company's (every customer with a won deal, whoever
reads them), so a customer's group does not depend on the reader; the members listed are the
caller's customers (a rep: their own; a manager: the team's; admin: all).

A group becomes a marketing segment through marketing (POST /reports/customers/groups/{group}/
segment → marketing's create_segment_from_customer_group), which asks `group_members` below for
the caller's customers in the group — a snapshot: the clusters are recomputed from the data on
every read, so a group has no lasting identity a live segment could follow.
"""
from services.chassis.errors import Conflict, NotFound
from services.chassis.validation import load
from services.reporting import computed
from services.reporting.domains.analytics.groups import clusters, features
from services.reporting.domains.analytics.groups.schemas import GroupMembersQuery, GroupsQuery
from services.reporting.domains.analytics.value import facts, window


def _clustered(session, tz, day, months):
    """(customer ids, clusters, the groups described) of every customer — the company's, the
    same for every reader, so computed once per (tz, day, months) until the read models change
    (computed.py); the reader's scope is applied after, to the members listed."""
    ids, matrix = features.behaviour(session, tz, day, months)
    found = clusters.cluster(matrix, features.NAMES)
    return ids, found, clusters.describe(matrix, features.NAMES, found["labels"]) if found else []


def _cached(session, query, now):
    """(as-of day, customer ids, clusters, the groups described) for the query's as_of, tz and
    months."""
    day, months = window.as_of(query, now), query["months"]
    return (day, *computed.CACHE.get(session, ("customer-groups", query["tz"], day, months),
                                     lambda: _clustered(session, query["tz"], day, months)))


def groups(session, principal, query, now=None):
    query = load(GroupsQuery, query or {})
    months = query["months"]
    day, ids, found, described = _cached(session, query, now)
    visible = facts.in_scope(session, principal)
    answer = {"as_of": day.isoformat(), "tz": query["tz"], "months": months,
              "features": found["used"] if found else [], "k": found and found["k"],
              "silhouette": {str(k): v for k, v in found["silhouette"].items()} if found else {},
              "groups": [], "not_grouped": len(visible - set(ids))}
    if not found:
        return answer
    for group in described:
        mine = sorted(customer for customer, label in zip(ids, found["labels"])
                      if label == group["cluster"] and customer in visible)
        answer["groups"].append({**group, "in_scope": len(mine), "members": mine[:query["limit"]]})
    return answer


def group_members(session, principal, group, query, now=None):
    """One group as the report shows it with the same query (as_of, tz, months): its number,
    description, size and every one of the caller's customers in it (no limit). NotFound for
    a group the report does not have; Conflict when `description` (what the caller saw) is no
    longer the group's — the data moved and the numbers now name other groups."""
    query = load(GroupMembersQuery, query or {})
    day, ids, found, described = _cached(session, query, now)
    number = group if isinstance(group, int) and not isinstance(group, bool) else None
    if number is None or not 0 <= number < len(described):
        raise NotFound(f"No customer group {group} as of {day.isoformat()}.", {"id": str(group)})
    chosen = described[number]
    expected = query.get("description")
    if expected is not None and expected != chosen["description"]:
        raise Conflict(f"The customer groups have changed since they were read: group {number} "
                       f"is now \"{chosen['description']}\"; reload them.",
                       {"field": "description"})
    visible = facts.in_scope(session, principal)
    return {"cluster": number, "description": chosen["description"], "size": chosen["size"],
            "as_of": day.isoformat(), "tz": query["tz"], "months": query["months"],
            "customer_ids": sorted(customer for customer, label in zip(ids, found["labels"])
                                   if label == number and customer in visible)}
