"""Issue 15's goals and the table of them that opens bench/RESULTS.md (one row per goal,
per database its figure, met and the ratio to the monolith); bench/report.py renders the
rest of the report and uses TARGETS for its per-section tables."""
from collections import namedtuple

from bench import limits
from bench.cells import _f, _median, _ok, _sizes, against
from services import registry

# Each database's tables hold the scenarios to issue 15's goals: read and write as shares of the
# same run's ceiling (a figure in req/s would say more about the host than about the code).
TARGETS = {
    "read_x_ceiling": 0.50, "read_p99_ms": 50, "write_x_ceiling": 0.15,
    "list_growth": 2.0, "events_per_s": 2000, "freshness_p99_s": 1.0,
    "idle_rss_mb": 150,
}
# issue 15's goals ("Performance…", its table): read and write as shares of the same run's
# ceiling, the events' rate and freshness, list/search at 1M against 10k and against the read,
# the import's rows/s; idle RSS is the earlier issues' target (TARGETS above)
GOALS = {"read_x_ceiling": TARGETS["read_x_ceiling"], "read_p99_ms": TARGETS["read_p99_ms"],
         "write_x_ceiling": TARGETS["write_x_ceiling"],
         "events_per_s": 2000, "freshness_p99_s": 1.0, "list_growth": 2.0, "list_vs_read": 1.5,
         "import_rows_per_s": 2000, "idle_rss_mb": TARGETS["idle_rss_mb"]}


def _x(value, digits=2):
    return "–" if value is None else f"{value:.{digits}f}×"


def _list_read(results):
    """The read the list/search shapes are held against: at the largest size if measured."""
    large = _sizes(results)[-1] if results["settings"].get("sizes") else None
    return _median(results, f"read@{large}") or _median(results, "read")


ListShape = namedtuple("ListShape", "key title p95 growth vs_read met")


def list_shapes(results):
    """Each list/search shape measured at both the smallest and the largest size against issue
    15's goal: its p95 at the largest at most list_growth × the smallest's and list_vs_read ×
    the read's p95, without errors. The goals table and the report's list table both judge
    by this, so they cannot disagree."""
    sizes = _sizes(results) if results["settings"].get("sizes") else []
    if len(sizes) < 2:
        return []
    small, large = sizes[0], sizes[-1]
    reference = _list_read(results)
    shapes = []
    for key, entry in results["lists"].items():
        a, b = entry.get(f"{key}@{small}"), entry.get(f"{key}@{large}")
        if not (a and b):
            continue
        p95 = b["median"]["p95_ms"]
        growth = p95 / a["median"]["p95_ms"] if a["median"]["p95_ms"] else None
        vs_read = p95 / reference["p95_ms"] if reference and reference["p95_ms"] else None
        met = (growth is not None and growth <= GOALS["list_growth"] and vs_read is not None
               and vs_read <= GOALS["list_vs_read"] and not b["median"]["errors"])
        shapes.append(ListShape(key, entry["title"], p95, growth, vs_read, met))
    return shapes


def goal_rows(results):
    """Issue 15's goals against one database's results: [(key, goal, target, value, met,
    × monolith)], met None where the figure was not measured."""
    rows = []
    ceiling = _median(results, "ceiling")
    sizes = _sizes(results) if results["settings"].get("sizes") else []

    def against_ceiling(key, label, target, share, p99=None):
        m = _median(results, key)
        if m is None:
            rows.append((key, label, target, "not measured", None, ""))
            return m
        x = m["rps"] / ceiling["rps"] if ceiling and ceiling["rps"] else None
        met = None if x is None else x >= share and (p99 is None or m["p99_ms"] < p99)
        value = f"{_f(m['rps'])} req/s = {_x(x)} ceiling, p99 {_f(m['p99_ms'], 1)} ms"
        rows.append((key, label, target, value, met, ""))
        return m

    size = f" ({sizes[0]:,} customers)" if sizes else ""
    read = against_ceiling("read", f"read: GET customer through the gateway{size}",
                           "≥ 0.50× ceiling, p99 < 50 ms", GOALS["read_x_ceiling"],
                           GOALS["read_p99_ms"])
    for key in [k for k in results["scenarios"] if k.startswith("read@")]:
        against_ceiling(key, f"read at {int(key.split('@')[1]):,} customers",
                        "≥ 0.50× ceiling, p99 < 50 ms", GOALS["read_x_ceiling"],
                        GOALS["read_p99_ms"])
    write = against_ceiling("write", "write: POST customer (insert, outbox, events)",
                            "≥ 0.15× ceiling", GOALS["write_x_ceiling"])
    for path, m, monolith in ((read, "read", "monolith_read"), (write, "write", "monolith_write")):
        base = _median(results, monolith)
        if path and base and base["rps"]:       # the ratio to the monolith baseline
            index = next(i for i, row in enumerate(rows) if row[0] == m)
            rows[index] = rows[index][:5] + (f"{path['rps'] / base['rps']:.2f}× "
                                             f"({_f(base['rps'])} req/s)",)

    events = results.get("events") or {}
    drain, fresh = events.get("drain"), events.get("freshness")
    rate = (drain or {}).get("events_per_s")
    rows.append(("events", "events applied by reporting, sustained (a backlog drained)",
                 "≥ 2,000 events/s", f"{_f(rate)} events/s" if drain else "not measured",
                 None if rate is None else rate >= GOALS["events_per_s"], ""))
    p99 = (fresh or {}).get("p99_s")
    rows.append(("freshness", "events: freshness p99 while writing", "< 1 s",
                 f"{_f(p99, 3)} s ({_f(fresh['missing'])} missing)" if fresh else "not measured",
                 None if p99 is None else p99 < GOALS["freshness_p99_s"] and not fresh["missing"],
                 ""))

    if len(sizes) > 1 and results["lists"]:
        small, large = sizes[0], sizes[-1]
        reference = _list_read(results)
        shapes = list_shapes(results)
        if shapes:
            worst = max(shapes, key=lambda shape: shape.p95)
            rows.append(("lists", f"list/search at {large:,}: every shape",
                         f"p95 ≤ 2× at {small:,} and ≤ 1.5× the read's p95",
                         f"{sum(1 for shape in shapes if shape.met)} of {len(shapes)} shapes; "
                         f"highest p95 {worst.title} {_f(worst.p95, 1)} ms"
                         f" (read's p95 {_f(reference['p95_ms'] if reference else None, 1)} ms)",
                         all(shape.met for shape in shapes), ""))
            for shape in shapes:
                rows.append((f"list:{shape.key}", f"– {shape.title}", "",
                             f"p95 {_f(shape.p95, 1)} ms = {against(shape.growth, GOALS['list_growth'])}"
                             f" at {small:,}, {against(shape.vs_read, GOALS['list_vs_read'])} the "
                             "read's", shape.met, ""))

    imported = results.get("import")
    if imported:
        rows += _import_goal_rows(imported)

    idle = {name: mb for name, mb in results["memory"].get("idle_start", {}).items()
            if name in registry.names()}
    if idle:
        over = sorted((name for name, mb in idle.items() if mb >= GOALS["idle_rss_mb"]),
                      key=lambda name: -idle[name])
        heaviest = max(idle, key=idle.get)
        rows.append(("rss", "RSS idle, every service (after start)", "< 150 MB",
                     f"highest {heaviest} {_f(idle[heaviest])} MB"
                     + (f"; over: {', '.join(over)}" if over else f"; all {len(idle)} under"),
                     not over, ""))
    return rows


def _import_goal_rows(imported):
    label = f"import: one job of {imported['rows']:,} rows, rows/s end to end"
    target = "≥ 2,000 rows/s (the issue: a 1,000,000-row job; bench/FINDINGS.md)"
    if "error" in imported:
        return [("import", label, target, "failed: " + imported["error"].replace("|", "/"),
                 False, "")]
    processing = imported.get("processing") or {}
    rate = processing.get("end_to_end_rows_per_s")
    if rate is not None:
        value = (f"{_f(rate)} rows/s (processing {_f(processing.get('rows_per_s'))}, "
                 f"upload {_f(imported['upload']['rows_per_s'])}); "
                 f"{_f(processing.get('cpu_ms_per_row_total'), 2)} ms CPU a row")
    else:
        value = (f"not finished ({processing.get('status', '?')}, "
                 f"{_f(processing.get('processed_rows'))} rows); processing "
                 f"{_f(processing.get('rows_per_s'))} rows/s")
    rows = [("import", label, target, value,
             rate is not None and rate >= GOALS["import_rows_per_s"], "")]
    report = imported.get("report")
    if report:
        counts = report["counts"]
        rows.append(("import_report", "import: per-row report", "every row reported",
                     f"created {_f(counts['created'])}, duplicates {_f(counts['duplicates'])}, "
                     f"failed {_f(counts['failed'])}"
                     + (" as the file has" if counts == report["expected"] else
                        f" (the file: {report['expected']})")
                     + f"; first failed row listed: {_f(report['first_failed_row'])}",
                     report["ok"], ""))
    return rows


def goals_table(runs):
    """The goals table that opens RESULTS.md: one row per goal, per database its figure, met
    and the ratio to the monolith (read and write)."""
    kinds = list(runs)
    per_kind = {kind: goal_rows(results) for kind, results in runs.items()}
    order, labels = [], {}
    for rows in per_kind.values():
        for key, label, target, *_ in rows:
            if key not in labels:
                order.append(key)
            labels.setdefault(key, (label, target))
    lines = ["## Goals (issue 15)", "",
             "Computed from this run's figures by `bench/goals.py` (`GOALS`): × ceiling = req/s "
             "over the bare nameko `@http` hello of the same run; × monolith = the path's req/s "
             "over the same GET / POST in one process (`bench/monolith.py`), the baseline the "
             "issue asks the read and write to be compared with. What each miss costs and why: "
             "the misses below and `bench/FINDINGS.md`.", "",
             "| goal | target | " + " | ".join(f"{kind} | met | × monolith" for kind in kinds) + " |",
             "|---|---|" + "---|---|---:|" * len(kinds)]
    for key in order:
        label, target = labels[key]
        cells = []
        for kind in kinds:
            row = next((row for row in per_kind[kind] if row[0] == key), None)
            cells += [row[3], _ok(row[4]), row[5]] if row else ["–", _ok(None), ""]
        lines.append(f"| {label} | {target} | " + " | ".join(cells) + " |")
    return lines + [""] + limits.limits_section(runs, GOALS, list_shapes, registry.names())
