"""Where each missed goal's limit is, from the same run's figures: the CPU a request (or an
imported row) costs in the system's processes against the CPU the goal leaves it on this
machine's cores. RESULTS.md prints it under the goals table (bench/goals.py).

The budget: a goal of `share` × the ceiling's req/s on `cores` cores leaves each request
cores × 1000 / (share × ceiling) ms of CPU, summed over every process it runs in — whatever the
replicas, a closed loop on a machine cannot serve faster than its cores allow. What a path
spends is the median run's CPU of every process of the system (services, broker, the
reference services) over its req/s; `others` (the rest of the machine: on PostgreSQL its
database backends) is shown apart. The hop (an `@http` making one RPC to an echo, no work) and
the monolith (the same read / write in one process, no RPC, no relay, no broker) are measured
in the same run, so the line says whether the bus itself or the work is over the budget."""
from bench.cells import _f, _median, against
from bench.lists import PAGE

LEADING = 3         # the processes named in a line, heaviest first


HOP = ("bench_http", "bench_echo", "rabbitmq")       # the hop's own processes
MONOLITH = ("bench_monolith",)


def cpu_ms(median, only=None):
    """(ms of CPU a request in the system's processes — or in `only` of them —, {process: ms},
    ms of the rest of the machine), from a scenario's median run."""
    rps = median["rps"]
    if not rps:
        return None, {}, None
    per = {name: cores * 1000 / rps for name, cores in median["service_cores"].items()
           if only is None or name in only}
    return sum(per.values()), per, median.get("other_cores", 0) * 1000 / rps


def _named(per):
    leading = sorted(per.items(), key=lambda item: -item[1])[:LEADING]
    return ", ".join(f"{name} {ms:.2f}" for name, ms in leading if ms >= 0.01)


def _spent(median):
    total, per, others = cpu_ms(median)
    return f"{total:.2f} ms ({_named(per)}; the rest of the machine {others:.2f})"


def budget_ms(results, share):
    ceiling = _median(results, "ceiling")
    if not ceiling or not ceiling["rps"]:
        return None
    return results["meta"]["cores"] * 1000 / (share * ceiling["rps"])


def path_line(results, key, share, what, base, base_what):
    """One line for a path held to `share` × the ceiling: its budget, what it spent, what the
    hop and the monolith spent in the same run."""
    median, budget = _median(results, key), budget_ms(results, share)
    if median is None or budget is None or not median["rps"]:
        return None
    _, per, _ = cpu_ms(median)
    around = sum(ms for name, ms in per.items() if name not in ("customers", "gateway", "rabbitmq"))
    over = ("what the system adds to that work is over — the gateway's RPC and the broker"
            if key == "read" else
            f"what the system adds to that work is over — the RPC, the relay and broker, and "
            f"the other services applying the write's events ({around:.2f} ms of them)")
    line = (f"**{what}**: the goal leaves **{budget:.2f} ms** of CPU a request on "
            f"{results['meta']['cores']} cores ({share:.2f} × {_f(_median(results, 'ceiling')['rps'])}"
            f" req/s); it spent **{_spent(median)}**")
    hop = _median(results, "hop")
    if hop and hop["rps"] and key == "read":
        hop_ms = cpu_ms(hop, HOP)[0]
        line += (f"; the bare hop alone (one RPC, no work) {hop_ms:.2f} ms — "
                 + ("over the budget before any work: no read that makes an RPC through the "
                    "broker meets the goal on this machine" if hop_ms > budget
                    else "within the budget: the work on top of it is what is over"))
    monolith = _median(results, base)
    whole = None
    if monolith and monolith["rps"]:
        total, _, others = cpu_ms(monolith, MONOLITH)
        whole = total + others
        line += (f"; {base_what} in one process {whole:.2f} ms (its rest of the machine "
                 f"{others:.2f} included) — "
                 + (f"within the budget (as two such processes, one a core): {over}"
                    if whole <= budget else
                    "over it too: the work itself, not only the bus, has to shrink"))
    passing = (_read_would_pass(whole, budget) if key == "read"
               else _write_would_pass(results, around, whole, budget))
    return line + ". " + passing + "."


READ_DESIGNS = ("a read that does not cross the broker: the gateway answering from a read model "
                "fed by customers' events (as reporting keeps one), or reading customers' "
                "database itself, or the services called over HTTP keep-alive instead of an "
                "AMQP RPC — each against DESIGN.md's rule that services talk over the bus "
                "(bench/FINDINGS.md)")


def _read_would_pass(whole, budget):
    line = "What would pass: " + READ_DESIGNS
    if whole is not None and whole > budget:
        line += (f", and the read's own work cheaper than the budget ({whole:.2f} ms in one "
                 "process against it)")
    return line


def _write_would_pass(results, consumers_ms, whole, budget):
    """The write's events cost the consumers far more at a message per write or two than in
    an import's packs of a hundred: what the write would cost with its events applied as an
    import's are and no RPC — the one-process write plus the import's consumers a row (a row
    publishes the same two events as a write)."""
    processing = (results.get("import") or {}).get("processing") or {}
    per_row = processing.get("cpu_ms_per_row") or {}
    in_packs = sum(ms for name, ms in per_row.items()       # not PostgreSQL's: the rest of the
                   if name not in ("customers", "gateway", "rabbitmq")      # machine, as above
                   and not name.startswith(("others", "postgres")))
    line = ("What would pass: fewer, larger messages for the write's events and no RPC for the "
            f"write — the other services spent {consumers_ms:.2f} ms a write on its two events")
    if not per_row or whole is None:
        return line
    line += (f" and {in_packs:.2f} ms a row on the same two in the import, where they come in "
             f"packs of up to 100; the write in one process plus that is {whole + in_packs:.2f} ms")
    return line + (", within the budget" if whole + in_packs <= budget else
                   ", still over it: the work itself has to shrink as well")


def import_line(results, goal_rows_per_s):
    processing = (results.get("import") or {}).get("processing") or {}
    spent = processing.get("cpu_ms_per_row_total")
    if spent is None:
        return None
    cores = results["meta"]["cores"]
    budget = cores * 1000 / goal_rows_per_s
    per = {name: ms for name, ms in processing["cpu_ms_per_row"].items()
           if not name.startswith("others")}
    return (f"**import**: {goal_rows_per_s:,} rows/s on {cores} cores leaves **{budget:.2f} ms** "
            f"of CPU a row; the job spent **{spent:.2f} ms** ({_named(per)}), "
            f"so this machine's cores allow at most {cores * 1000 / spent:,.0f} rows/s — "
            f"{goal_rows_per_s * spent / 1000:.1f} cores at this cost (`bench/capacity.py` "
            f"splits them into replicas)" + _held(processing, cores) + ". "
            + _import_would_pass(processing, goal_rows_per_s, spent, budget, cores) + ".")


def _import_would_pass(processing, goal_rows_per_s, spent, budget, cores):
    done = processing.get("end_to_end_rows_per_s")
    if done is not None and done >= goal_rows_per_s:
        return f"Met: {done:,} rows/s end to end"
    if spent > budget:
        return (f"What would pass: {goal_rows_per_s * spent / 1000:.1f} cores at this cost "
                "(replicas of the heaviest processes), or less CPU a row")
    return (f"The cores allow it at this cost; what is short is the cores held (of {cores}): "
            "the runner works one batch at a time and waits for its events' confirms before "
            "the next, and the consumers follow (bench/FINDINGS.md: overlapping the two moved "
            "the CPU into the consumers' tail, not the end to end)")


def _held(processing, cores):
    """The cores the job held while it worked: near all of them, CPU is the limit; well
    below, something waits (the runner's batches one at a time, the consumers' turns)."""
    held = processing.get("cores_held")
    if held is None or "cores_held_since_upload" not in processing:      # runs before 2026-12-06
        return ""
    return (f"; while it worked (its first processed row to the consumers' last move) it held "
            f"{held:.2f} of the {cores} cores")


def api_customers_at(results, size):
    """How many customers the run had written through the API when the table was topped up to
    `size` (the rows there before the top-up but the first seed's): the newest rows."""
    seeded = results.get("seed") or {}
    sizes = sorted(seeded, key=int)
    if str(size) not in seeded or not sizes or sizes[0] == str(size):
        return None
    top_up, first = seeded[str(size)], seeded[sizes[0]]
    return top_up["rows"] - top_up["inserted"] - first["rows"]


def list_line(results, shape, goals, size):
    """A list shape over its goal: its figures, its handler's time alone, and why with what
    would pass: for the common word the layout that makes it walk; for another shape whether
    it grows with the table or costs more than the read at any size."""
    handler = {at: (results["explain"].get(shape.key) or {}).get(str(at), {}).get("handler_ms")
               for at in (min(results["settings"]["sizes"]), size)}
    line = (f"**list, {shape.title}**: p95 {_f(shape.p95, 1)} ms at {size:,} — "
            f"{against(shape.growth, goals['list_growth'])} its figure at the smallest size and "
            f"{against(shape.vs_read, goals['list_vs_read'])} the read's (the goal: "
            f"≤ {goals['list_growth']:g}× and ≤ {goals['list_vs_read']:g}×)")
    if all(handler.values()):
        line += ("; the service's handler alone (in-process, no RPC) "
                 + " → ".join(f"{ms:.1f}" for ms in handler.values()) + " ms")
    newest = api_customers_at(results, size)
    if shape.key == "search_word" and newest:
        how = ("unless customer's rowids follow creation, when the page is read from the "
               "word's FTS5 hits by rowid and passes none of them (search_index.ORDER_TABLE, "
               "kept by a trigger; out of that order each is tested against the word's newest "
               "hits after the hits are counted up to 5,000)"
               if results["settings"].get("database") == "sqlite" else
               "each read and tested, in one statement that walks only their sort key, id "
               "and searched columns (search._walked): pg_trgm's bitmap gives the matches in "
               "no order, so only a walk in the page's order stops after a page")
        line += (f". The page is the newest customers holding the word, and the newest "
                 f"{newest:,} (this run's own, written through the API; none holds it) come "
                 f"first in that order, so every page passes them first: {how}. Where the "
                 "time goes: `bench/FINDINGS.md`")
        if results["settings"].get("database") != "sqlite":
            line += (". What would pass: an index that yields the word's rows newest first, "
                     "as SQLite's FTS5 does by rowid (pg_trgm's GIN yields a bitmap in no "
                     "order; RUM orders by an attached column but indexes words, not the "
                     "substrings this search matches)")
    elif shape.growth is not None and shape.growth > goals["list_growth"]:
        line += (". It grows with the table: its page reads more rows the larger the table (its "
                 "plan: the database's list section below). What would pass: a plan that reads "
                 "the same rows a page at any size — a walk of a (filter, sort, id) index that "
                 "stops after the page")
    elif shape.vs_read:
        read_p95 = shape.p95 / shape.vs_read
        allowed = goals["list_vs_read"] * read_p95
        line += (f". It does not grow with the table: what is over is a page's own cost against "
                 f"a read's ({PAGE} customers read with their tags, dumped and carried back "
                 "over the RPC, against one), not the table's size. What would pass: the page "
                 f"{shape.p95 - allowed:.1f} ms faster at p95 (≤ {allowed:.1f} ms, "
                 f"{goals['list_vs_read']:g}× the read's {read_p95:.1f} ms) from less work a "
                 "page in the service")
    return line + "."


def memory_line(results, goals, names):
    idle = {name: mb for name, mb in (results.get("memory") or {}).get("idle_start", {}).items()
            if name in names and mb >= goals["idle_rss_mb"]}
    if not idle:
        return None
    over = ", ".join(f"{name} {mb:,.0f} MB" for name, mb in sorted(idle.items(), key=lambda i: -i[1]))
    line = f"**memory**: {over} idle after start (the goal: < {goals['idle_rss_mb']} MB)"
    if "reporting" in idle:
        line += (". Reporting imports the analytics libraries (numpy, pandas, scipy, "
                 "scikit-learn, statsmodels) as it starts, so that no report request pays "
                 "seconds of imports past the gateway's RPC deadline "
                 "(`REPORTING_PRELOAD_ANALYTICS`, default on); without the preload a replica "
                 "idles at ~87 MB and its first analytics requests take ~1–2 s more "
                 "(`bench/reporting_memory.py`) — a replica kept for events alone can run so. "
                 "What passes: `REPORTING_PRELOAD_ANALYTICS=false`, at that first request's cost")
    return line + "."


def limit_lines(results, goals, shapes=(), names=()):
    """The lines for one database's results, for the misses (and the read and write always:
    their budget is the question the issue asks). `shapes`: the list shapes judged
    (goals.list_shapes); `names`: the services whose idle memory the goal holds."""
    lines = [path_line(results, "read", goals["read_x_ceiling"], "read", "monolith_read",
                       "the same read"),
             path_line(results, "write", goals["write_x_ceiling"], "write", "monolith_write",
                       "the same write (its events left in the outbox)"),
             import_line(results, goals["import_rows_per_s"])]
    if shapes:
        size = max(results["settings"]["sizes"])
        lines += [list_line(results, shape, goals, size) for shape in shapes
                  if not shape.met and shape.growth is not None and shape.vs_read is not None]
    lines.append(memory_line(results, goals, names))
    return [line for line in lines if line]


def limits_section(runs, goals, shapes_of=lambda results: (), names=()):
    lines = ["### Where the limits are: CPU a request against the goal's budget, and the other misses", "",
             "From this run's figures (`bench/limits.py`): the CPU the goal leaves a request on "
             "this machine's cores, what the path spent over every process of the system "
             "(ms, heaviest first), and the same for the bare hop and the one-process "
             "monolith. Profiles of each miss: the database sections below; the analysis: "
             "`bench/FINDINGS.md`.", ""]
    for kind, results in runs.items():
        lines += [f"- {kind}: {line}"
                  for line in limit_lines(results, goals, shapes_of(results), names)]
    return lines
