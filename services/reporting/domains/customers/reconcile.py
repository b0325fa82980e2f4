"""The customer KPIs recomputed from customers' own data (its reconcile_customer_facts and
reconcile_interaction_counts pages), against our rollups (interactions summed to UTC days)."""
from collections import Counter
from datetime import datetime

from sqlalchemy import func, select

from services.reporting import rollups
from services.reporting.domains.customers.models import (CustomerComposition,
                                                         InteractionActivity, NewCustomers)
from services.reporting.domains.customers.projections import DIMENSIONS
from services.reporting.plugin import Reconciliation

KEYS = {"composition": DIMENSIONS, "new_customers": ("bucket", *DIMENSIONS),
        "interactions": ("day", "user_id", "kind")}


def expected_from(facts, interaction_counts):
    composition, created, activity = Counter(), Counter(), Counter()
    for fact in facts:
        if fact["merged"]:
            continue
        key = tuple(rollups.as_key(fact.get(name)) for name in DIMENSIONS)
        composition[key] += 1
        created[(rollups.bucket(datetime.fromisoformat(fact["created_at"])), *key)] += 1
    for row in interaction_counts:
        activity[(row["day"], row["user_id"], row["kind"])] += row["count"]
    return {"composition": composition, "new_customers": created, "interactions": activity}


def expected(_session, data):
    return expected_from(data["reconcile_customer_facts"], data["reconcile_interaction_counts"])


def actual(session):
    composition = Counter({tuple(row[:-1]): row[-1] for row in session.execute(select(
        *[getattr(CustomerComposition, name) for name in DIMENSIONS], CustomerComposition.count))})
    created = Counter({tuple(row[:-1]): row[-1] for row in session.execute(select(
        NewCustomers.bucket, *[getattr(NewCustomers, name) for name in DIMENSIONS],
        NewCustomers.count))})
    activity = Counter()
    for bucket, user_id, kind, count in session.execute(
            select(InteractionActivity.bucket, InteractionActivity.user_id,
                   InteractionActivity.kind, func.sum(InteractionActivity.count))
            .group_by(InteractionActivity.bucket, InteractionActivity.user_id,
                      InteractionActivity.kind)):
        activity[(rollups.bucket_start(bucket).date().isoformat(), user_id, kind)] += int(count)
    return {"composition": composition, "new_customers": created, "interactions": activity}


def checked(data, want):
    return {"customers": len(data["reconcile_customer_facts"]),
            "live_customers": sum(want["composition"].values()),
            "interactions": sum(want["interactions"].values())}


RECONCILIATION = Reconciliation(
    "customers", ("reconcile_customer_facts", "reconcile_interaction_counts"), KEYS,
    expected, actual, checked)
