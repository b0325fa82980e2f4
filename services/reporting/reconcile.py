"""Reconciliation: recompute every KPI from the producers' own data and compare.

    python -m services.reporting.reconcile          # exit status 1 if anything differs

customers answers its per-customer facts and its interaction counts per (rep, kind, UTC day),
sales its per-deal facts, by RPC, each page stamped with the producer's event sequence at read
time. Under the lease we catch up to those sequences and read our rollups; the comparison is
exact when nothing was written meanwhile (every page of a producer has the same sequence, we
have applied up to it, and its log has nothing after it once we have read). Otherwise we try
again, a few times, and say whether it was stable.

The deal KPIs are recomputed here from sales' rows on their own terms (stage kind, the stage's
probability, amount, created / closed times), not through the projection's code.
"""
from collections import Counter
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from services.chassis.inbox import positions
from nameko.exceptions import MethodNotFound

from services.reporting import consumer, reconcile_sales, reconcile_targets
from services.reporting.models import (CustomerComposition, DealOutcomes, DealStages,
                                       InteractionActivity, NewCustomers)
from services.reporting.projections import rollups
from services.reporting.projections.customers import DIMENSIONS

PAGE = 500
ATTEMPTS = 5
LISTED = 100              # differences listed in full; the count covers them all


SOURCES = {"customers": ("reconcile_customer_facts", "reconcile_interaction_counts"),
           "sales": ("reconcile_deal_facts", *reconcile_sales.METHODS)}
# Read when the producer answers them; until then their KPIs are listed as not reconciled.
OPTIONAL = {"sales": ("reconcile_target_facts",)}
STAGE_KEY = ("bucket", "owner_id", "stage", "status", "currency")
OUTCOME_KEY = ("bucket", "owner_id", "status", "currency")
DEAL_MEASURES = {"deal_stages": (DealStages, STAGE_KEY, ("count", "amount_cents", "weighted_cents")),
                 "deal_outcomes": (DealOutcomes, OUTCOME_KEY,
                                   ("count", "amount_cents", "cycle_seconds"))}


def _pages(call, source, method):
    items, stamps, cursor = [], set(), None
    while True:
        page = call(source, method, cursor, PAGE)
        items.extend(page["items"])
        stamps.add(page["sequence"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items, stamps


def _deal_expected(deal_facts):
    """{"deal_stages.count": Counter, …} from sales' own deal rows."""
    found = {f"{kpi}.{name}": Counter() for kpi, (_m, _k, names) in DEAL_MEASURES.items()
             for name in names}
    for deal in deal_facts:
        amount = int(Decimal(deal["amount"]) * 100)
        weighted = int((Decimal(amount) * deal["probability"] / 100)
                       .quantize(Decimal(1), ROUND_HALF_UP))
        created = datetime.fromisoformat(deal["created_at"])
        owner, currency = rollups.as_key(deal["owner_id"]), rollups.as_key(deal["currency"])
        key = (rollups.bucket(created), owner, deal["stage"], deal["status"], currency)
        for name, value in (("count", 1), ("amount_cents", amount), ("weighted_cents", weighted)):
            found[f"deal_stages.{name}"][key] += value
        if deal["status"] in ("won", "lost") and deal["closed_at"]:
            closed = datetime.fromisoformat(deal["closed_at"])
            key = (rollups.bucket(closed), owner, deal["status"], currency)
            for name, value in (("count", 1), ("amount_cents", amount),
                                ("cycle_seconds", int((closed - created).total_seconds()))):
                found[f"deal_outcomes.{name}"][key] += value
    return found


def _deal_actual(session):
    found = {}
    for kpi, (model, key, names) in DEAL_MEASURES.items():
        rows = session.execute(select(*[getattr(model, n) for n in key],
                                      *[getattr(model, n) for n in names])).all()
        for index, name in enumerate(names):
            found[f"{kpi}.{name}"] = Counter({tuple(row[:len(key)]): row[len(key) + index]
                                              for row in rows})
    return found


def expected(facts, interaction_counts, deal_facts=(), deal_histories=(), invoices=()):
    """The KPIs as the producers' data says they are."""
    composition, created, activity = Counter(), Counter(), Counter()
    for fact in facts:
        if fact["merged"]:
            continue
        key = tuple(rollups.as_key(fact.get(name)) for name in DIMENSIONS)
        composition[key] += 1
        created[(rollups.bucket(datetime.fromisoformat(fact["created_at"])), *key)] += 1
    for row in interaction_counts:
        activity[(row["day"], row["user_id"], row["kind"])] += row["count"]
    return {"composition": composition, "new_customers": created, "interactions": activity,
            **_deal_expected(deal_facts), **reconcile_sales.expected(deal_facts, deal_histories, invoices)}


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
    return {"composition": composition, "new_customers": created, "interactions": activity,
            **_deal_actual(session), **reconcile_sales.actual(session)}


KEYS = {"composition": DIMENSIONS, "new_customers": ("bucket", *DIMENSIONS),
        "interactions": ("day", "user_id", "kind"),
        **{f"{kpi}.{name}": key for kpi, (_m, key, names) in DEAL_MEASURES.items()
           for name in names}, **reconcile_sales.KEYS, **reconcile_targets.KEYS}


def differences(want, have):
    found = []
    for kpi, names in KEYS.items():
        if kpi not in want:             # its producer's data was not available
            continue
        for key in sorted(set(want[kpi]) | set(have[kpi]), key=str):
            if want[kpi].get(key, 0) != have[kpi].get(key, 0):
                label = {name: rollups.from_key(value) for name, value in zip(names, key)}
                if "bucket" in label:
                    label["bucket"] = rollups.bucket_start(label["bucket"]).isoformat()
                found.append({"kpi": kpi, "key": label, "expected": want[kpi].get(key, 0),
                              "actual": have[kpi].get(key, 0)})
    return found


def _read(call):
    """Every producer's pages: ({method: items, or None if an optional method is not
    there}, {source: set of page sequences})."""
    data, stamps = {}, {}
    for source, methods in SOURCES.items():
        stamps[source] = set()
        for method in methods + OPTIONAL.get(source, ()):
            try:
                data[method], seen = _pages(call, source, method)
            except MethodNotFound:
                if method not in OPTIONAL.get(source, ()):
                    raise
                data[method], seen = None, set()
            stamps[source] |= seen
    return data, stamps


def reconcile(db, fetchers, call, held):
    """{"ok", "not_reconciled" (optional producer methods not answered: their KPIs were not
    compared), "stable", "as_of_sequence" (customers'), "as_of" (per source), "checked",
    "difference_count", "differences"}."""
    for _attempt in range(ATTEMPTS):
        data, stamps = _read(call)
        heads = {source: max(seen) for source, seen in stamps.items()}
        consumer.catch_up_sources(db, {source: fetchers[source] for source in SOURCES}, held,
                                  stop_on_error=True, until=heads)
        with db.read_only() as session:
            have = {**actual(session), **reconcile_targets.actual(session)}
        applied = positions(db)
        stable = all(len(stamps[source]) == 1 and applied.get(source, 0) >= heads[source]
                     and not fetchers[source](heads[source], 1) for source in SOURCES)
        if stable:
            break
    facts, deal_facts = data["reconcile_customer_facts"], data["reconcile_deal_facts"]
    want = expected(facts, data["reconcile_interaction_counts"], deal_facts,
                    data["reconcile_deal_history"], data["reconcile_cash_facts"])
    targets = data["reconcile_target_facts"]
    if targets is not None:
        with db.read_only() as session:
            want.update(reconcile_targets.expected(session, targets, deal_facts,
                                                   data["reconcile_deal_history"],
                                                   data["reconcile_cash_facts"]))
    found = differences(want, have)
    missing = [f"{source}.{method}" for source, methods in OPTIONAL.items()
               for method in methods if data[method] is None]
    return {"ok": not found, "not_reconciled": missing, "stable": stable,
            "as_of_sequence": heads["customers"], "as_of": heads,
            "checked": {"customers": len(facts), "live_customers": sum(want["composition"].values()),
                        "interactions": sum(want["interactions"].values()),
                        "deals": len(deal_facts),
                        "closed_deals": sum(want["deal_outcomes.count"].values()),
                        "stage_entries": sum(want["stage_entries"].values()),
                        "invoices": len(data["reconcile_cash_facts"]),
                        "targets": None if targets is None else len(targets)},
            "difference_count": len(found), "differences": found[:LISTED]}


def main(argv=None):
    from services.reporting import cli
    parser = cli.parser("reconcile", "Compare every KPI with the producers' own data.")
    return cli.run_job("reconcile", {}, parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
