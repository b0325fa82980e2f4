"""Reconciliation: recompute every KPI from the producers' own data and compare.

    python -m services.reporting.reconcile          # exit status 1 if anything differs

customers answers its per-customer facts and its interaction counts per (rep, kind, UTC day)
by RPC, each page stamped with its event sequence at read time. Under the lease we catch up to
that sequence and read our rollups; the comparison is exact when nothing was written meanwhile
(every page has the same sequence, we have applied up to it, and the log has nothing after it
once we have read). Otherwise we try again, a few times, and say whether it was stable.
"""
from collections import Counter
from datetime import datetime

from sqlalchemy import func, select

from services.chassis.inbox import positions
from services.reporting import consumer
from services.reporting.models import CustomerComposition, InteractionActivity, NewCustomers
from services.reporting.projections import rollups
from services.reporting.projections.customers import DIMENSIONS

PAGE = 500
ATTEMPTS = 5
LISTED = 100              # differences listed in full; the count covers them all


def _pages(call, method):
    items, stamps, cursor = [], set(), None
    while True:
        page = call("customers", method, cursor, PAGE)
        items.extend(page["items"])
        stamps.add(page["sequence"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items, stamps


def expected(facts, interaction_counts):
    """The KPIs as the producer's data says they are."""
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


def actual(session):
    """The same KPIs as our rollups hold them (interactions summed to UTC days)."""
    composition = Counter({tuple(row[:-1]): row[-1] for row in session.execute(select(
        *[getattr(CustomerComposition, name) for name in DIMENSIONS], CustomerComposition.count))})
    created = Counter({tuple(row[:-1]): row[-1] for row in session.execute(select(
        NewCustomers.bucket, *[getattr(NewCustomers, name) for name in DIMENSIONS],
        NewCustomers.count))})
    activity = Counter()
    for bucket, user_id, kind, count in session.execute(
            select(InteractionActivity.bucket, InteractionActivity.user_id, InteractionActivity.kind,
                   func.sum(InteractionActivity.count))
            .group_by(InteractionActivity.bucket, InteractionActivity.user_id, InteractionActivity.kind)):
        activity[(rollups.bucket_start(bucket).date().isoformat(), user_id, kind)] += int(count)
    return {"composition": composition, "new_customers": created, "interactions": activity}


KEYS = {"composition": DIMENSIONS, "new_customers": ("bucket", *DIMENSIONS),
        "interactions": ("day", "user_id", "kind")}


def differences(want, have):
    found = []
    for kpi, names in KEYS.items():
        for key in sorted(set(want[kpi]) | set(have[kpi]), key=str):
            if want[kpi].get(key, 0) != have[kpi].get(key, 0):
                label = {name: rollups.from_key(value) for name, value in zip(names, key)}
                if "bucket" in label:
                    label["bucket"] = rollups.bucket_start(label["bucket"]).isoformat()
                found.append({"kpi": kpi, "key": label, "expected": want[kpi].get(key, 0),
                              "actual": have[kpi].get(key, 0)})
    return found


def reconcile(db, fetchers, call, held):
    """{"ok", "stable", "as_of_sequence", "checked", "difference_count", "differences"}."""
    for _attempt in range(ATTEMPTS):
        facts, stamps = _pages(call, "reconcile_customer_facts")
        counts, more = _pages(call, "reconcile_interaction_counts")
        stamps |= more
        head = max(stamps)
        consumer.catch_up_sources(db, {"customers": fetchers["customers"]}, held,
                                  stop_on_error=True, until={"customers": head})
        with db.read_only() as session:
            have = actual(session)
        applied = positions(db).get("customers", 0)
        stable = len(stamps) == 1 and applied >= head and not fetchers["customers"](head, 1)
        if stable:
            break
    want = expected(facts, counts)
    found = differences(want, have)
    return {"ok": not found, "stable": stable, "as_of_sequence": head,
            "checked": {"customers": len(facts), "live_customers": sum(want["composition"].values()),
                        "interactions": sum(want["interactions"].values())},
            "difference_count": len(found), "differences": found[:LISTED]}


def main(argv=None):
    from services.reporting import cli
    parser = cli.parser("reconcile", "Compare every KPI with the producers' own data.")
    return cli.run_job("reconcile", {}, parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
