"""bench/results.json → bench/RESULTS.md: the tables, the targets, and where the time goes."""
from pathlib import Path

from bench import pace
from bench.cells import _f, _median, _ok, _sizes
from bench.goals import GOALS, TARGETS, goals_table, list_shapes
from services import registry

SERVICES = (*registry.names(), "bench_http", "bench_echo", "rabbitmq")


def worst_list(results, size):
    """The list/search shape with the highest p95 at `size` ("key@size")."""
    worst, worst_p95 = None, -1
    for key, entry in results.get("lists", {}).items():
        run = entry.get(f"{key}@{size}")
        if run and run["median"]["p95_ms"] > worst_p95:
            worst, worst_p95 = f"{key}@{size}", run["median"]["p95_ms"]
    return worst


def _row(name, m, ceiling, target="", met=None):
    ratio = f"{m['rps'] / ceiling:.2f}" if ceiling else "–"
    errors = f"{m['errors']:,}" + (f" ({_statuses(m)})" if m["errors"] else "")
    return (f"| {name} | {_f(m['rps'])} | {ratio} | {_f(m['p50_ms'], 1)} | {_f(m['p95_ms'], 1)} | "
            f"{_f(m['p99_ms'], 1)} | {errors} | {_f(m['wrk_cpu_cores'] * 100)}% | "
            f"{_f(m['other_cores'] * 100)}% | {target} | {_ok(met)} |")


def _statuses(m):
    return ", ".join(f"{k}: {v}" for k, v in sorted(m["statuses"].items()) if not k.startswith("2"))


def summary(results, misses):
    ceiling_m = _median(results, "ceiling")
    ceiling = ceiling_m["rps"] if ceiling_m else None
    hop = _median(results, "hop")
    lines = ["## Summary", "",
             "req/s = successful responses per second (median of runs); × ceiling = req/s over the "
             "bare nameko `@http` hello of the same run; latencies in ms; wrk CPU = the load "
             "generator's share of one core; others = CPU used by processes outside the system "
             "under test (other users of the machine), in % of one core.", "",
             "| scenario | req/s | × ceiling | p50 | p95 | p99 | errors | wrk CPU | others | target | met |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    if ceiling_m:
        lines.append(_row("ceiling: bare nameko @http hello", ceiling_m, ceiling))
    if hop:
        lines.append(_row("naive hop: @http + 1 nameko RPC", hop, ceiling))
    unconfirmed = _median(results, "hop_unconfirmed")
    if unconfirmed:
        lines.append(_row("(hop, request published without confirms: what confirms cost)",
                          unconfirmed, ceiling))
    for key in [k for k in results["scenarios"] if k.startswith("read")]:
        m = _median(results, key)
        size = results["scenarios"][key]["scenario"]["title"].split(" at ")[-1]
        met = (ceiling is not None and m["rps"] >= TARGETS["read_x_ceiling"] * ceiling
               and m["p99_ms"] < TARGETS["read_p99_ms"])
        if not met:
            misses.append((f"read ({size})", f"{m['rps']:.0f} req/s, p99 {m['p99_ms']:.1f} ms", "read"))
        vs_hop = f" ({m['rps'] / hop['rps']:.2f}× hop)" if hop else ""
        lines.append(_row(f"read: GET customer, auth ({size}){vs_hop}", m, ceiling,
                          "≥ 0.50× ceiling, p99 < 50 ms", met))
    write = _median(results, "write")
    if write:
        met = ceiling is not None and write["rps"] >= TARGETS["write_x_ceiling"] * ceiling
        if not met:
            misses.append(("write", f"{write['rps']:.0f} req/s", "write"))
        lines.append(_row("write: POST customer (validate, insert, outbox, events)", write, ceiling,
                          "≥ 0.15× ceiling", met))
    lines += _monolith_rows(results, ceiling)
    tickets = _median(results, "ticket_write")
    if tickets:
        lines.append(_row("ticket write: POST service-desk ticket (validate, directory check, "
                          "insert, route, SLA clock, outbox)", tickets, ceiling,
                          "measured (issue 12 §10)"))
    largest = _sizes(results)[-1]
    for key, entry in results["lists"].items():
        big = entry.get(f"{key}@{largest}")
        if big:
            lines.append(_row(f"list/search: {entry['title']} ({largest:,})", big["median"], ceiling,
                              "p95 ≤ 2× smallest, ≤ 1.5× the read's (see below)"))
    return lines


def _monolith_rows(results, ceiling):
    """The monolith baseline (bench/monolith.py) and the microservice path as a share of it."""
    rows = []
    for key, title, path_key in (("monolith_read", "monolith read: GET customer in one process "
                                  "(same JWT check, handler, query; no gateway hop)", "read"),
                                 ("monolith_write", "monolith write: POST customer in one process "
                                  "(same handler, insert, outbox rows; no relay, no broker)", "write")):
        m, path = _median(results, key), _median(results, path_key)
        if m:
            share = f"{path_key} = {path['rps'] / m['rps']:.2f}× monolith" if path and m["rps"] else ""
            rows.append(_row(title, m, ceiling, share))
    return rows


def list_table(results, misses):
    sizes = _sizes(results)
    small, large = sizes[0], sizes[-1]
    lines = ["## List and search", "",
             "Through the gateway as the admin (sees every customer), "
             f"{results['settings']['list_connections']} "
             f"connections, pages of 25. `handler` = the service's own `list_customers` run in-process "
             f"on the same database (no RPC, no gateway): the SQL + dumping share of the time.", "",
             f"| shape | req/s {small:,} | p50 | p95 | p99 | handler ms | req/s {large:,} | p50 | p95 | p99 "
             f"| handler ms | p95 ×{large // small if small else ''} | p95 × read's | met |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    verdicts = {shape.key: shape for shape in list_shapes(results)}
    engine = _engine(results)
    for key, entry in results["lists"].items():
        a, b = entry.get(f"{key}@{small}"), entry.get(f"{key}@{large}")
        ea = results["explain"].get(key, {}).get(str(small), {})
        eb = results["explain"].get(key, {}).get(str(large), {})
        cells = [entry["title"]]
        for run, explain in ((a, ea), (b, eb)):
            if run:
                m = run["median"]
                err = f" ({m['errors']} err)" if m["errors"] else ""
                cells += [_f(m["rps"]) + err, _f(m["p50_ms"], 1), _f(m["p95_ms"], 1),
                          _f(m["p99_ms"], 1), _f(explain.get("handler_ms"), 1)]
            else:
                cells += ["–"] * 5
        shape = verdicts.get(key)
        growth, vs_read, met = (shape.growth, shape.vs_read, shape.met) if shape else (None,) * 3
        if shape and not met:
            plan = "; ".join((eb.get("plans") or [[]])[0])
            misses.append((f"list/search: {entry['title']}",
                           f"p95 {shape.p95:.1f} ms at {large:,} ({_f(growth, 1, '×')} the "
                           f"{small:,} figure, {_f(vs_read, 1, '×')} the read's"
                           f"{', with errors' if b['median']['errors'] else ''}). "
                           f"The service's own handler in-process: {_f(ea.get('handler_ms'), 1)} ms at "
                           f"{small:,} → {_f(eb.get('handler_ms'), 1)} ms at {large:,}; {engine} plan: "
                           f"`{plan}`", f"{key}@{large}"))
        cells += [_f(growth, 1, "×"), _f(vs_read, 1, "×"), _ok(met)]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"<details><summary>{engine} query plans (EXPLAIN of each statement "
              f"list_customers runs, at {large:,})</summary>", ""]
    for key, entry in results["explain"].items():
        explain = entry.get(str(large)) or {}
        lines.append(f"**{results['lists'].get(key, {}).get('title', key)}** — "
                     f"{_f(explain.get('handler_ms'), 1)} ms in-process")
        lines.append("")
        lines.append("```")
        for statement, plan in zip(explain.get("statements", []), explain.get("plans", [])):
            lines.append(statement[:400] + (" …" if len(statement) > 400 else ""))
            lines += [f"    {step}" for step in plan]
        lines.append("```")
    lines.append("</details>")
    return lines


def events_section(results, misses):
    lines = ["## Events into reporting", ""]
    ev = results.get("events")
    if not ev and "events" not in results["settings"].get("only", ["events"]):
        return lines + ["Not in this run (`--only` without `events`)."]
    if not ev:
        lines.append("**not available** — `services/reporting/service.py` did not exist (or defined "
                     "no service class) when this run started; the scenario runs as soon as it does.")
        return lines
    fresh, drain = ev.get("freshness"), ev.get("drain")
    lines += ["| figure | value | target | met |", "|---|---:|---|---|"]
    if drain:
        met = drain.get("events_per_s") is not None and drain["events_per_s"] >= TARGETS["events_per_s"]
        if not met:
            misses.append(("events: sustained consumption", f"{_f(drain.get('events_per_s'))} events/s",
                           "drain"))
        lines.append(f"| sustained consumption (backlog of {drain['events']:,} events from "
                     f"{drain['written']:,} writes, applied over {_f(drain.get('span_s'), 1)} s) | "
                     f"{_f(drain.get('events_per_s'))} events/s | ≥ 2,000/s | {_ok(met)} |")
    if fresh:
        met = (fresh["p99_s"] is not None and fresh["p99_s"] < TARGETS["freshness_p99_s"]
               and not fresh["missing"])
        if not met:
            misses.append(("events: freshness p99", f"{_f(fresh['p99_s'], 2)} s", None))
        lines.append(f"| freshness while the write scenario runs: p50 / p95 / p99 / max | "
                     f"{_f(fresh['p50_s'], 3)} / {_f(fresh['p95_s'], 3)} / {_f(fresh['p99_s'], 3)} / "
                     f"{_f(fresh['max_s'], 3)} s | p99 < 1 s | {_ok(met)} |")
        lines += ["", "Freshness = reporting `projection_inbox` `processed_at` (its last projection) − "
                  f"customers outbox `occurred_at`, "
                  f"for all {fresh['events']:,} events written during the measured write runs "
                  f"({fresh['applied']:,} applied, {fresh['missing']:,} missing after the drain). "
                  f"Types consumed: {', '.join(fresh['types']) or '–'}; not recorded by reporting "
                  f"(ignored): {', '.join(fresh['ignored_types']) or 'none'}."]
    return lines


def memory_section(results, misses):
    idle, end = results["memory"].get("idle_start", {}), results["memory"].get("idle_end", {})
    peaks = {}
    for group in (results["scenarios"].values(),
                  (run for entry in results["lists"].values() for k, run in entry.items() if k != "title")):
        for run in group:
            for name, value in run["median"]["rss_peak_mb"].items():
                peaks[name] = max(peaks.get(name, 0), value)
    lines = ["## Memory (RSS, MB)", "",
             "| process | idle (after start) | peak under load | idle (after the run) | idle < 150 MB |",
             "|---|---:|---:|---:|---|"]
    for name in SERVICES:
        if name in idle or name in peaks:
            met = None if name == "rabbitmq" else (idle.get(name) or 0) < TARGETS["idle_rss_mb"]
            if met is False:
                misses.append((f"memory: {name}", f"{idle[name]:.0f} MB idle", None))
            lines.append(f"| {name} | {_f(idle.get(name))} | {_f(peaks.get(name))} | "
                         f"{_f(end.get(name))} | {_ok(met)} |")
    return lines


def cpu_section(results):
    lines = ["## Where the CPU went, per scenario (median, % of one core; 2 cores = 200%)", "",
             "| scenario | " + " | ".join(SERVICES) + " | wrk | others |",
             "|---|" + "---:|" * (len(SERVICES) + 2)]
    entries = list(results["scenarios"].items())
    for key, entry in results["lists"].items():
        entries += [(k, v) for k, v in entry.items() if k != "title"]
    for key, entry in entries:
        m = entry["median"]
        cells = [_f(m["service_cores"].get(name, 0) * 100) if name in m["service_cores"] else "–"
                 for name in SERVICES]
        lines.append(f"| {key} | " + " | ".join(cells) +
                     f" | {_f(m['wrk_cpu_cores'] * 100)} | {_f(m['other_cores'] * 100)} |")
    return lines


def profiles_section(results):
    lines = ["## Profiles (py-spy, 100 Hz, idle excluded)", "",
             "Each profile is a separate run of the scenario (not one of the measured runs). "
             "Layers count each sample by its innermost frame (self time); the database layer is "
             "SQLAlchemy's DB-API calls, whose self time is the C driver — on SQLite with the engine "
             "itself, on PostgreSQL psycopg2 alone (the server's work is its own process)."]
    for key, prof in results["profiles"].items():
        scenario, _, service = key.partition(":")
        load = (f", {_f(prof['cores'] * 100)}% of a core, {_f(prof.get('rps'))} req/s"
                if prof.get("cores") is not None else "")
        lines += ["", f"### {service} during {scenario} — {prof['samples']:,} samples{load}", ""]
        if not prof["samples"]:
            lines.append("(no samples)")
            continue
        lines += ["| layer (self time) | % |", "|---|---:|"]
        lines += [f"| {name} | {share:.1f} |" for name, share in prof["layers"]]
        lines += ["", "| top functions, self time | % | | top functions, inclusive | % |",
                  "|---|---:|---|---|---:|"]
        inclusive = [item for item in prof["inclusive"]
                     if not item[0].startswith(("<module>", "main (", "run (", "_bootstrap"))][:10]
        for index in range(max(len(prof["self"]), len(inclusive))):
            a = prof["self"][index] if index < len(prof["self"]) else ("", None)
            b = inclusive[index] if index < len(inclusive) else ("", None)
            lines.append(f"| `{a[0]}` | {_f(a[1], 1)} | | `{b[0]}` | {_f(b[1], 1)} |"
                         .replace("``", ""))
    return lines


def misses_section(results, misses):
    lines = ["## Misses", ""]
    if not misses:
        return lines + ["Every target was met."]
    for name, figure, scenario in misses:
        line = f"- **{name}**: {figure}."
        related = [(k, p) for k, p in results["profiles"].items()
                   if scenario and k.startswith(scenario + ":")]
        for key, prof in related:
            if prof["samples"]:
                top = ", ".join(f"{layer} {share:.0f}%" for layer, share in prof["layers"][:4])
                load = f" ({_f(prof['cores'] * 100)}% of a core)" if prof.get("cores") is not None else ""
                line += f" {key.split(':')[1]}{load}: {top}."
        lines.append(line)
    return lines


def _engine(results):
    return "PostgreSQL" if results["settings"].get("database") == "postgresql" else "SQLite"


def _database_words(settings):
    if settings.get("database") == "postgresql":
        return ("**PostgreSQL** (the machine's server; one database per service, created for the "
                "run and dropped after it)")
    return "**SQLite** files (the embedded default; WAL)"


def side_by_side(runs):
    """One row per scenario, the databases' figures next to each other."""
    kinds = list(runs)
    lines = ["## SQLite and PostgreSQL side by side", "",
             "The same scenarios, one run per database in the same invocation (each its own "
             "system); req/s (× the ceiling of the same run) and p99 ms. `pace`: how long a fixed "
             "loop took on one core just before the scenario, over its time before the ceiling "
             "(`bench/pace.py`; 1.30 = the host 30 % slower than when the ceiling ran, so the "
             f"scenario's ratio is understated by that much); bold beyond {pace.DRIFT:g}× either way.",
             "",
             "| scenario | " + " | ".join(f"{kind} req/s | × ceiling | p99 | pace" for kind in kinds)
             + " |",
             "|---|" + "---:|---:|---:|---:|" * len(kinds)]
    keys = []
    for results in runs.values():
        for key in results["scenarios"]:
            if key not in keys:
                keys.append(key)
        for key, entry in results["lists"].items():
            for size_key in entry:
                if "@" in size_key and size_key not in keys:
                    keys.append(size_key)
    for key in keys:
        cells = []
        for results in runs.values():
            ceiling = _median(results, "ceiling")
            entry = results["scenarios"].get(key) or results["lists"].get(key.split("@")[0], {}).get(key)
            m = entry["median"] if entry else None
            if m is None:
                cells += ["–", "–", "–", "–"]
                continue
            cells += [_f(m["rps"]), f"{m['rps'] / ceiling['rps']:.2f}" if ceiling else "–",
                      _f(m["p99_ms"], 1), _pace(results, entry)]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    for label, path in (("events: freshness p99 (s)", ("freshness", "p99_s")),
                        ("events: drain (events/s)", ("drain", "events_per_s"))):
        cells = []
        for results in runs.values():
            value = ((results.get("events") or {}).get(path[0]) or {}).get(path[1])
            cells += [_f(value, 3 if "freshness" in path else 0), "", "", ""]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if any(results.get("import") for results in runs.values()):
        lines += import_side_by_side(runs)
    return lines


def _pace(results, entry):
    """The host's pace before `entry` over its pace before the ceiling (bench/pace.py)."""
    ratio = pace.relative(entry.get("pace_ms"), (results["scenarios"].get("ceiling") or {}).get("pace_ms"))
    if ratio is None:
        return "–"
    return f"**{ratio:.2f}**" if pace.drifted(ratio) else f"{ratio:.2f}"


def import_side_by_side(runs):
    """The import's figures (the `import` group) as rows of the side-by-side table."""
    def figure(imported, *path):
        value = imported
        for key in path:
            value = (value or {}).get(key) if isinstance(value, dict) else None
        return value
    rows = (("rows/s, upload", ("upload", "rows_per_s"), 0),
            ("rows/s, processing", ("processing", "rows_per_s"), 0),
            ("rows/s, end to end", ("processing", "end_to_end_rows_per_s"), 0),
            ("drain (s)", ("processing", "drain_seconds"), 1),
            ("peak RSS gateway (MB)", ("peak_rss_mb", "gateway"), 0),
            ("peak RSS customers (MB)", ("peak_rss_mb", "customers"), 0),
            ("CPU ms per row, the system's processes", ("processing", "cpu_ms_per_row_total"), 2),
            ("cores held", ("processing", "cores_held"), 2))
    lines = []
    sizes = {results["import"]["rows"] for results in runs.values() if results.get("import")}
    size = f"{next(iter(sizes)):,} rows" if len(sizes) == 1 else "rows"
    for label, path, digits in rows:
        cells = []
        for results in runs.values():
            cells += [_f(figure(results.get("import"), *path), digits), "", "", ""]
        lines.append(f"| import ({size}): {label} | " + " | ".join(cells) + " |")
    processes = []
    for results in runs.values():
        for name in figure(results.get("import"), "processing", "cpu_ms_per_row") or {}:
            if name not in processes and not name.startswith("others"):
                processes.append(name)
    for name in processes:
        cells = []
        for results in runs.values():
            per_row = figure(results.get("import"), "processing", "cpu_ms_per_row") or {}
            cells += [_f(per_row.get(name), 2), "", "", ""]
        lines.append(f"| import: CPU ms per row, {name} | " + " | ".join(cells) + " |")
    return lines


def _goal(value, limit, goal):
    """(the goal's words, met?) for a figure that has a goal of `limit` or less."""
    return goal, (None if value is None else value < limit)


def hotpaths_section(hot):
    """The `hotpaths` group (bench/hotpaths.py): one table, the issues' goals beside figures."""
    sizes, seconds = hot["sizes"], hot.get("seconds", {})
    sla, seg, send = hot.get("sla") or {}, hot.get("segments") or {}, hot.get("send") or {}
    lines = ["## Hot paths of marketing and the service desk", "",
             "Once per invocation on PostgreSQL (`bench/hotpaths.py`: each part its own new "
             "database, dropped after it), by the standalone scripts' own functions "
             "(`bench/sla_timer.py`, `bench/marketing_segments.py`, `bench/marketing_send.py`; "
             "their docstrings say what each step does). Ticket create is the `ticket_write` "
             "scenario of each database's summary (the `tickets` group). Load average before "
             f"{' '.join(hot.get('loadavg_before', []))}, after "
             f"{' '.join(hot.get('loadavg_after', []))}; wall time "
             + ", ".join(f"{name} {value:.0f} s" for name, value in seconds.items()) + ".", "",
             "| hot path | figure | goal | met |", "|---|---:|---|---|"]

    def row(name, figure, goal="measured", met=None):
        lines.append(f"| {name} | {figure} | {goal} | {_ok(met)} |")
    for name, part in (("SLA pass", sla), ("segments", seg), ("campaign send", send)):
        if "error" in part:
            row(f"{name}: failed", part["error"].replace("|", "/"), "", False)
    tickets = f"{sizes['sla_tickets']:,} open tickets"
    if sla.get("passes"):
        row(f"SLA: {tickets}, {sla['alarms']:,} alarms written (setup)", f"{_f(sla['fill_s'], 1)} s")
        for one in sla["passes"]:
            if one["due"] == 0:
                row(f"SLA timer pass, nothing due ({tickets})", f"{_f(one['seconds'], 3)} s",
                    *_goal(one["seconds"], 1.0, "< 1 s at 100,000 open tickets (issue 12 §10)"))
            else:
                per = 1000 * one["seconds"] / one["fired"] if one["fired"] else None
                row(f"SLA timer pass, {one['due']:,} breaches due ({tickets}): fired "
                    f"{one['fired']:,}", f"{_f(one['seconds'], 2)} s ({_f(per, 0)} ms a breach)")
    if seg.get("reevaluate_ms"):
        contacts = f"{seg['contacts']:,} contacts"
        row(f"segments: {contacts} written (setup)", f"{_f(seg['fill_s'], 1)} s")
        row("segment created (the edit: definition + backfill job)", f"{_f(seg['create_ms'], 1)} ms")
        row(f"segment backfill: every contact evaluated ({contacts}, chunks of {seg['chunk']:,})",
            f"{_f(seg['backfill_contacts_per_s'])} contacts/s ({_f(seg['backfill_s'], 1)} s)")
        if seg.get("events_during_backfill"):
            row(f"one customer's change applied during the backfill ({seg['events_during_backfill']} "
                "events)", f"median {_f(seg['event_latency_median_ms'], 1)} ms, "
                f"max {_f(seg['event_latency_max_ms'], 1)} ms")
        row(f"segment count ({contacts}, {seg['members']:,} members)", f"{_f(seg['count_ms'], 1)} ms",
            *_goal(seg["count_ms"], 1000, "< 1 s at 1,000,000 contacts (issue 11 §12; the kept "
                   "count: does not grow with the contacts)"))
        row("segment's first page of members (50)", f"{_f(seg['first_page_ms'], 1)} ms")
        worst = max(seg["reevaluate_ms"])
        row("one contact re-evaluated after a change (in, out, in: the worst)",
            " / ".join(_f(ms, 1) for ms in seg["reevaluate_ms"]) + " ms",
            *_goal(worst, 50, "< 50 ms (issue 11 §12)"))
    if send.get("sent") is not None:
        who = f"{send['recipients']:,} recipients, {send['replicas']} marketing process(es)"
        row(f"campaign send: emails/s overall, start call to done ({who})",
            f"{_f(send['emails_per_s'], 1)} ({_f(send['total_s'], 0)} s)",
            "measured (issue 11 §12: emails/s and memory)")
        row("campaign send: emails/s steady state (10-90 % of the sink's arrivals)",
            _f(send.get("steady_emails_per_s"), 1))
        cpu = send["cpu_ms_per_email"]
        row("campaign send: CPU ms per email (marketing / database backends / sink)",
            f"{_f(cpu['senders'], 1)} / {_f(cpu['database'], 1)} / {_f(cpu['sink'], 1)}")
        rss = send["peak_rss_mb"]
        row("campaign send: peak RSS MB (marketing / database backends summed, private / sink)",
            f"{_f(rss.get('senders'))} / {_f(rss.get('database backends (sum)'))}, "
            f"{_f(rss.get('database backends (sum, private)'))} / {_f(rss.get('smtp sink'))}")
        if "exactly_once" in send:
            row("campaign send: exactly once (every recipient sent, the sink got each Message-ID "
                "once, none missing)", f"{send['sent']:,} sent"
                + (f"; failed: {'; '.join(send['checks_failed'])}" if send["checks_failed"] else ""),
                "must hold", send["exactly_once"])
        else:
            row("campaign send: exactly once", "not checked (stopped early)", "must hold", False)
    return lines


def import_section(results, misses):
    """The `import` group (bench/import_scale.py's measure): one CSV job through the gateway
    on a system of its own."""
    imported = results.get("import")
    lines = ["## Bulk import (issue 15 §5)", ""]
    if not imported:
        return lines + ["Not in this run (`--only` without `import`)."]
    if "error" in imported:
        misses.append(("import", "failed: " + imported["error"], None))
        return lines + [f"**failed** ({imported['rows']:,} rows): "
                        f"{imported['error'].replace('|', '/')}"]
    upload, processing = imported["upload"], imported.get("processing") or {}
    rss = imported.get("peak_rss_mb") or upload.get("peak_rss_mb", {})
    lines += [
        f"A CSV of {imported['rows']:,} rows ({imported['bytes'] / 2**20:.1f} MiB; every 997th "
        "row a bad e-mail, every 499th an earlier row's e-mail) uploaded through the gateway as "
        "one streamed POST, then worked through by customers' import runner in batches of "
        f"{imported['batch_rows']:,}, on a system of its own (its own vhost and databases, "
        f"{imported.get('reps', 0)} sales reps: every new row assigned, customer_created + "
        "customer_assigned) after the main system has stopped (`bench/import_scale.py`, "
        f"{_f(imported.get('seconds'))} s in all). Processing = rows/s from the runner's first "
        "row to the job's end; end to end = until every consumer's queue is empty again "
        "(the drain). CPU = each process's CPU time from the upload's end to the drain's, per "
        "processed row; the broker and PostgreSQL serve other vhosts and databases of the "
        "machine too. Load average before "
        f"{' '.join(imported.get('loadavg_before', []))}, after "
        f"{' '.join(imported.get('loadavg_after', []))}.", "",
        "| figure | value |", "|---|---:|",
        f"| upload: rows/s (MiB/s, s) | {_f(upload['rows_per_s'])} ({_f(upload['mib_per_s'], 2)} "
        f"MiB/s, {_f(upload['seconds'], 1)} s) |",
        f"| processing: rows/s ({_f(processing.get('window_rows'))} rows in "
        f"{_f(processing.get('window_seconds'), 1)} s; job {processing.get('status', '?')}) | "
        f"{_f(processing.get('rows_per_s'))} |",
        f"| end to end: rows/s (processing + drain) | "
        f"{_f(processing.get('end_to_end_rows_per_s'))} |",
        f"| drain: s from the job's end to empty queues | {_f(processing.get('drain_seconds'), 1)} |",
        f"| job: created / duplicates / failed | {_f(processing.get('created'))} / "
        f"{_f(processing.get('duplicates'))} / {_f(processing.get('failed'))} |",
        f"| peak RSS MB: gateway / customers (upload and processing) | {_f(rss.get('gateway'))} / "
        f"{_f(rss.get('customers'))} |",
        f"| CPU ms per row, the system's processes (services, broker"
        f"{', PostgreSQL' if imported['database'] == 'postgresql' else ''}) | "
        f"{_f(processing.get('cpu_ms_per_row_total'), 2)} |",
        "| cores held by them while the job works, from its first processed row to the "
        f"consumers' last move (of the machine's 2) | {_f(processing.get('cores_held'), 2)} |",
        f"| … over the CPU window, {_f(processing.get('cpu_window_seconds'), 1)} s from the "
        "upload's end (the runner's timer picks the job up to 2 s after; the rest of the "
        f"machine: {_f(processing.get('other_cores'), 2)}) | "
        f"{_f(processing.get('cores_held_since_upload'), 2)} |"]
    report = imported.get("report")
    if report:
        lines.append(f"| per-row report: counts as the file has, first failed row listed "
                     f"({_f(report['first_failed_row'])}) | {_ok(report['ok'])} |")
    per_row = processing.get("cpu_ms_per_row") or {}
    if per_row:
        counted = processing.get("cpu_rows", processing.get("processed_rows"))
        wall = processing.get("cpu_window_seconds")
        lines += ["", "| process | CPU ms per row | cores |", "|---|---:|---:|"]
        others = [name for name in per_row if name.startswith("others")]
        for name in [name for name in per_row if name not in others]:
            cores = per_row[name] * counted / 1000 / wall if wall and counted else None
            lines.append(f"| {name} | {per_row[name]:.2f} | {_f(cores, 2)} |")
        lines.append(f"| **total, the system's processes** | "
                     f"**{_f(processing.get('cpu_ms_per_row_total'), 2)}** | "
                     f"**{_f(processing.get('cores_held'), 2)}** |")
        for name in others:        # not the system: the load it ran beside
            cores = per_row[name] * counted / 1000 / wall if wall and counted else None
            lines.append(f"| ({name}, not the system) | ({per_row[name]:.2f}) | ({_f(cores, 2)}) |")
    rate = processing.get("end_to_end_rows_per_s")
    if rate is None or rate < GOALS["import_rows_per_s"]:
        heaviest = ", ".join(f"{name} {ms:.2f}" for name, ms in
                             [item for item in per_row.items() if not item[0].startswith("others")][:3])
        misses.append((f"import ({imported['rows']:,} rows, one job)",
                       f"{_f(rate)} rows/s end to end, processing "
                       f"{_f(processing.get('rows_per_s'))} (goal 2,000): "
                       f"{_f(processing.get('cpu_ms_per_row_total'), 2)} ms CPU a row, "
                       f"{_f(processing.get('cores_held'), 2)} cores held (the rest of the "
                       f"machine: {_f(processing.get('other_cores'), 2)}); heaviest (ms a row): "
                       f"{heaviest}. Where the time goes at this and 1,000,000 rows: "
                       "`bench/FINDINGS.md` (py-spy of the runner and the consumers)", None))
    return lines


def render_all(runs):
    """{database: results, "hotpaths": …} → RESULTS.md: one run as before; both, the
    side-by-side table first and then each database's whole report; the hot paths last."""
    runs = dict(runs)
    hot = runs.pop("hotpaths", None)
    tail = [""] + hotpaths_section(hot) if hot else []
    if not runs:
        meta = hot["meta"]
        return "\n".join([
            "# Benchmark results — hot paths only", "",
            f"Written by `python -m bench.run --only hotpaths` on {meta['date']}, commit "
            f"{meta['commit']}; {meta['cpu']}, {meta['cores']} cores, {meta['ram_gb']} GB RAM."]
            + tail) + "\n"
    if len(runs) == 1:
        return render(next(iter(runs.values()))) + "\n".join(tail) + "\n"
    lines = (["# Benchmark results — SQLite and PostgreSQL", ""] + goals_table(runs) + [""]
             + side_by_side(runs) + [""])
    for kind, results in runs.items():
        lines += [f"# {kind}", ""]
        lines += [("#" + line if line.startswith("#") else line)
                  for line in render(results, goals=False).splitlines()[1:]]
    if hot:
        lines += ["", "# Hot paths (PostgreSQL, once)", ""] + [
            ("#" + line if line.startswith("#") else line) for line in hotpaths_section(hot)]
    return "\n".join(lines) + "\n"


def render(results, goals=True):
    """One database's report; `goals`: open with its goals table (render_all puts one table
    of every database's first instead)."""
    meta, settings = results["meta"], results["settings"]
    misses = []
    body = []
    body += summary(results, misses) + [""]
    body += list_table(results, misses) + [""]
    body += events_section(results, misses) + [""]
    body += import_section(results, misses) + [""]
    body += memory_section(results, misses) + [""]
    head = [
        "# Benchmark results", "",
        f"Written by `make bench` (`python -m bench.run`; see `bench/README.md`) on {meta['date']}, "
        f"commit {meta['commit']}, in {meta.get('total_minutes', '?')} min.", "",
        "## Machine and method", "",
        f"- **Machine**: {meta['cpu']}, {meta['cores']} cores, {meta['ram_gb']} GB RAM; Linux "
        f"{meta['kernel']}; Python {meta['python']}; SQLite {meta['sqlite']}; {meta['wrk']}.",
        f"- **Load average** before the run: {' '.join(meta['loadavg_before'])}; after: "
        f"{' '.join(meta.get('loadavg_after', []))}. The `others` column of every table is CPU "
        "used outside the system under test during the measured runs: above a few % the "
        "figures are depressed by contention (another user of the machine).",
        "- **System**: every service its own `nameko run` process (the e2e harness, "
        "`tests/e2e/system.py`), config.yml as shipped (max_workers 10), a RabbitMQ vhost of "
        f"its own, {_database_words(settings)}. "
        "Production timer defaults; rate limits set out of reach (the limiter still runs).",
        f"- **Load**: wrk (C, epoll), {settings['connections']} connections (list/search: "
        f"{settings['list_connections']}), 1 thread, closed loop; per scenario a "
        f"{settings['warmup']:g} s warm-up then {settings['runs']} × {settings['duration']:g} s "
        f"(list/search {settings['list_duration']:g} s); every figure is the **median of the runs**. "
        "Latency is wrk's, per request, from the Lua `done()` hook.",
        f"- **Data**: customers seeded straight into the customers service's database "
        f"with bulk INSERTs (SQLite) or COPY (PostgreSQL) of rows built by the service's own "
        f"table objects and normalisation "
        f"functions (`bench/seed.py`; seeding a million through the API would take hours), "
        f"{', '.join(f'{s:,}' for s in _sizes(results))} rows; no events for seeded rows. "
        "Reads use 2,000 random seeded ids; written customers add to the table. Seeding took "
        + ", ".join(f"{int(size):,} rows {entry['seconds']:.0f} s"
                    for size, entry in results.get("seed", {}).items())
        + ".",
        f"- **Reporting**: {settings.get('reporting')}.",
    ] + [f"- {note}" for note in results.get("notes", [])] + [
        "- **Analysis**: `bench/FINDINGS.md` (hand-written from a run's profiles and query plans: "
        "what each miss costs and what would fix it); regenerate the figures, not that file."
        if (Path(__file__).parent / "FINDINGS.md").exists() else ""] + [""]
    tail = [""] + cpu_section(results) + [""] + profiles_section(results) + [""]
    if goals:
        head = head[:4] + goals_table({settings.get("database", "this run"): results}) + [""] + head[4:]
    return "\n".join(head + misses_section(results, misses) + [""] + body + tail) + "\n"


if __name__ == "__main__":
    # Re-render RESULTS.md from a run's raw figures after a change to the report's code:
    # python -m bench.report [bench/results.json] [bench/RESULTS.md]
    import json
    import sys
    here = Path(__file__).parent
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else here / "results.json"
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else here / "RESULTS.md"
    target.write_text(render_all(json.loads(source.read_text())))
    print(f"wrote {target} from {source}")
