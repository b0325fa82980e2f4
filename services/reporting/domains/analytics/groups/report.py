"""Customer groups (GET /reports/customers/groups, issue 17 item 3): k-means on the customers'
standardised behaviour (features.py, clusters.py), each group described in words from its
mean against everyone's. The groups are the company's (every customer with a won deal, whoever
reads them), so a customer's group does not depend on the reader; the members listed are the
caller's customers (a rep: their own; a manager: the team's; admin: all).

Turning a group into a marketing segment is left: marketing's segments select contacts by
profile rules (marketing/segments/rules.py) or static lists of contact ids, and neither can
name a customer or a cluster yet.
"""
from services.chassis.validation import load
from services.reporting import computed
from services.reporting.domains.analytics.groups import clusters, features
from services.reporting.domains.analytics.groups.schemas import GroupsQuery
from services.reporting.domains.analytics.value import facts, window


def _clustered(session, tz, day, months):
    """(customer ids, clusters, the groups described) of every customer — the company's, the
    same for every reader, so computed once per (tz, day, months) until the read models change
    (computed.py); the reader's scope is applied after, to the members listed."""
    ids, matrix = features.behaviour(session, tz, day, months)
    found = clusters.cluster(matrix, features.NAMES)
    return ids, found, clusters.describe(matrix, features.NAMES, found["labels"]) if found else []


def groups(session, principal, query, now=None):
    query = load(GroupsQuery(), query or {})
    day, months = window.as_of(query, now), query["months"]
    ids, found, described = computed.CACHE.get(
        session, ("customer-groups", query["tz"], day, months),
        lambda: _clustered(session, query["tz"], day, months))
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
