"""The `hotpaths` group of `make bench` (issue 15 §7): the SLA timer's pass, segment evaluation
and a campaign send, each by its standalone script's own function, once per invocation on
PostgreSQL (production's database; each makes and drops its own database, none needs the
system `bench.run` starts). Ticket create is the `ticket_write` scenario of the `tickets` group.

Sizes keep the group near 5 minutes on the 2-core machine, and each is chosen where its figure
does not depend on a larger size:
- SLA: 100,000 open tickets (200,000 alarms) — the size issue 12 §10 sets its goal at; a pass
  with 0 due (the steady state: < 1 s) and with 100 due (the cost per fired breach).
- Segments: 100,000 contacts (issue 11 §12 says 1,000,000: ~3 min of writing alone here, and
  the backfill's minutes on top). The count reads the segment's kept `member_count` and one
  contact's re-evaluation touches that contact's rows only: neither grows with the contacts;
  the backfill's rate is per contact.
- Send: 2,000 recipients through the real marketing process to the SMTP sink (20 batches):
  past the start-up, long enough for a steady rate and the process's peak RSS, which is per
  batch (bench/marketing_send.py: the same at 10,000 and 100,000).
"""
import time

from bench import marketing_segments, marketing_send, procstat, sla_timer

SIZES = {"sla_tickets": 100_000, "sla_due": (0, 100), "segment_contacts": 100_000,
         "send_recipients": 2_000}
QUICK_SIZES = {"sla_tickets": 10_000, "sla_due": (0, 10), "segment_contacts": 10_000,
               "send_recipients": 200}       # `--quick`: the harness works, figures not read


def run(log, sizes=SIZES):
    """{"sizes", "sla", "segments", "send", "seconds": {part: wall s}, "loadavg_*"}."""
    results = {"sizes": dict(sizes), "seconds": {}, "loadavg_before": procstat.loadavg()}

    def part(name, function):
        log(f"hot paths: {name}")
        started = time.monotonic()
        try:
            results[name] = function()
        except Exception as error:        # one part's failure is reported, the others still run
            results[name] = {"error": f"{type(error).__name__}: {error}"}
            log(f"hot paths: {name} failed: {error}")
        results["seconds"][name] = time.monotonic() - started

    part("sla", lambda: sla_timer.measure(sizes["sla_tickets"], sizes["sla_due"], log=log))
    part("segments", lambda: marketing_segments.measure(sizes["segment_contacts"], log=log))

    def send():
        _ok, figures = marketing_send.measure(marketing_send.options(
            contacts=sizes["send_recipients"], timeout=600.0).parse_args([]))
        return figures                    # figures["exactly_once"]: the checks' verdict
    part("send", send)
    results["loadavg_after"] = procstat.loadavg()
    return results
