"""When a system under test has applied everything it published, to a fraction of a second.

The management API's queue figures are refreshed every few seconds (RabbitMQ's statistics
interval, 5 s by default), so waiting on them alone made every drain a multiple of its polling
(the import's was 8.1 s in two runs apart). Here the moment is the last time any consumer's
`crm_events_consumed_total` moved (its /metrics, read every `interval`), once every queue of
the vhost has no ready message (AMQP passive declares: the queue's own count, not the
statistics), the counters have stood still for `quiet` seconds (a batch in hand is applied
well within that) and the management API agrees that nothing is held, unacknowledged ones
included — the last reading only confirms; the time reported is that of the last move.
`on_move` is called right after every reading that saw a move: a measurement whose window
must end with the consumers' work (bench/import_scale.py's CPU) takes its reading there and
keeps the last one; the confirmation's second and more are neither work nor idle time.
"""
import re
import time

import kombu
import requests

CONSUMED = re.compile(r"^crm_events_consumed_total\{([^}]*)\} ([0-9.e+]+)$", re.MULTILINE)
SOURCE = re.compile(r'(?:^|,)source="([^"]*)"')


def consumed(metrics_urls, sources=None):
    """Events the consumers have handled so far, summed over every process (None if one of
    them did not answer: a reading that cannot tell whether they moved). `sources`: only the
    events of these producers — a measurement of one producer's events (an import's) must not
    end at a catch-up round applying another's (identity's first user, published before the
    consumers had bound their queues, reaches them at their first round, up to
    CATCH_UP_SECONDS after the start: bench/FINDINGS.md, fourteenth session)."""
    total = 0.0
    for url in metrics_urls:
        try:
            text = requests.get(url, timeout=2).text
        except requests.RequestException:
            return None
        total += sum(float(value) for labels, value in CONSUMED.findall(text)
                     if sources is None or _source(labels) in sources)
    return total


def _source(labels):
    found = SOURCE.search(labels)
    return found.group(1) if found else None


def ready(amqp_uri, queue_names):
    """Messages ready in the queues, as the queues count them now (a passive declare)."""
    with kombu.Connection(amqp_uri) as connection:
        channel = connection.default_channel
        return sum(channel.queue_declare(queue=name, passive=True).message_count
                   for name in queue_names)


def wait_applied(vhost, metrics_urls, limit_seconds, interval=0.25, quiet=1.0, on_move=None,
                 sources=None):
    """Seconds from now until the consumers last moved before everything was applied (see the
    module docstring), or None past `limit_seconds`. The first reading counts as a move: if
    they had stopped before the call, that is 0 and on_move() is called once, at once.
    `sources`: moves are the consumption of these producers' events only (`consumed`); the
    queues must be empty all the same."""
    started = time.monotonic()
    last_total, last_move = None, started
    queue_names = vhost.queue_names()
    while time.monotonic() - started < limit_seconds:
        now = time.monotonic()
        total = consumed(metrics_urls, sources)
        if total != last_total:
            last_total, last_move = total, now
            if on_move is not None:
                on_move()
        elif (total is not None and now - last_move >= quiet
              and ready(vhost.uri, queue_names) == 0 and vhost.messages() == 0):
            return last_move - started
        time.sleep(interval)
    return None


def cpu_until_applied(cpu, postgres, wait):
    """(drained seconds, `cpu`'s usage, `postgres`'s reading) over one window from their start
    to the consumers' last move: `cpu` a started procstat.CpuWindow, `postgres` a started
    procstat.PostgresCpu or None, `wait(on_move)` wait_applied (None: nothing to wait for —
    the window ends now, as it does when the wait times out). The wait goes on past the last
    move (a second of quiet, the management API's confirmation, up to its statistics interval,
    every process answering /metrics four times a second): a window closed after it holds CPU
    that is not the system's work; and CPU until then divided by the time until the last move
    (bench/import_scale.py's "cores held" until 2026-12-06) came out above the machine's cores."""
    moves = []

    def moved():
        moves.append((cpu.read(), postgres.read() if postgres is not None else None))
    drained = wait(moved) if wait is not None else None
    if drained is None or not moves:
        moved()
    if postgres is not None:
        postgres.stop()
    return drained, cpu.stop(at=moves[-1][0]), moves[-1][1]
