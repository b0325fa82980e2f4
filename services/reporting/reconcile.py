"""Reconciliation: recompute every KPI from the producers' own data and compare.

    python -m services.reporting.reconcile          # exit status 1 if anything differs

Each domain names its producer's reconcile RPCs and computes its KPIs from their answers on
their own terms, not through the projections' code (domains/<producer>/reconcile). Every page
is stamped with the producer's event sequence at read time. Under the lease we catch up to those
sequences and read our tables; the comparison is exact when nothing was written meanwhile
(every page of a producer has the same sequence, we have applied up to it, and its log has
nothing after it once we have read). Otherwise we try again, a few times, and say whether it
was stable.
"""
from nameko.exceptions import MethodNotFound

from services.reporting import consumer, inbox, rollups
from services.reporting.domains import DOMAINS

PAGE = 500
ATTEMPTS = 5
LISTED = 100              # differences listed in full; the count covers them all


def reconciliations():
    return [domain.reconciliation for domain in DOMAINS if domain.reconciliation]


def _pages(call, source, method):
    items, stamps, cursor = [], set(), None
    while True:
        page = call(source, method, cursor, PAGE)
        items.extend(page["items"])
        stamps.add(page["sequence"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items, stamps


def differences(want, have, keys):
    found = []
    for kpi, names in keys.items():
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


def _reads(plans):
    """[(source, method, optional)] every plan reads, each once: its producer's methods, then
    the methods it borrows from another producer (optional: a producer without it is named in
    `not_reconciled`)."""
    reads = [(plan.source, method, method in plan.optional)
             for plan in plans for method in plan.methods + plan.optional]
    for plan in plans:
        reads += [(source, method, True) for source, method in plan.borrowed]
    found, seen = [], set()
    for source, method, optional in reads:
        if (source, method) not in seen:
            seen.add((source, method))
            found.append((source, method, optional))
    return found


def _read(call, plans):
    """Every producer's pages: ({method: items, or None if an optional method is not
    there}, {source: set of page sequences})."""
    data, stamps = {}, {}
    for source, method, optional in _reads(plans):
        stamps.setdefault(source, set())
        try:
            data[method], seen = _pages(call, source, method)
        except MethodNotFound:
            if not optional:
                raise
            data[method], seen = None, set()
        stamps[source] |= seen
    return data, stamps


def reconcile(db, fetchers, call, held):
    """{"ok", "not_reconciled" (optional producer methods not answered: their KPIs were not
    compared), "stable", "as_of_sequence" (customers'), "as_of" (per source), "checked",
    "difference_count", "differences"}."""
    plans = reconciliations()
    for _attempt in range(ATTEMPTS):
        data, stamps = _read(call, plans)
        # a producer read only for a borrowed method it does not have gave no page
        heads = {source: max(seen) for source, seen in stamps.items() if seen}
        sources = list(heads)
        consumer.catch_up_sources(db, {source: fetchers[source] for source in sources}, held,
                                  stop_on_error=True, until=heads)
        with db.read_only() as session:
            have = {kpi: values for plan in plans for kpi, values in plan.actual(session).items()}
        applied = inbox.positions(db)
        stable = all(len(stamps[source]) == 1 and applied.get(source, 0) >= heads[source]
                     and not fetchers[source](heads[source], 1) for source in sources)
        if stable:
            break
    with db.read_only() as session:
        want = {kpi: values for plan in plans
                for kpi, values in plan.expected(session, data).items()}
    found = differences(want, have, {kpi: key for plan in plans for kpi, key in plan.keys.items()})
    missing = [f"{source}.{method}" for source, method, optional in _reads(plans)
               if optional and data[method] is None]
    return {"ok": not found, "not_reconciled": missing, "stable": stable,
            "as_of_sequence": heads.get("customers"), "as_of": heads,
            "checked": {name: count for plan in plans
                        for name, count in plan.checked(data, want).items()},
            "difference_count": len(found), "differences": found[:LISTED]}


def main(argv=None):
    from services.reporting import cli
    parser = cli.parser("reconcile", "Compare every KPI with the producers' own data.")
    return cli.run_job("reconcile", {}, parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
