"""The clients of the chaos run: chains of writes through the gateway, each write with its own
Idempotency-Key, retried with the same key and the same bytes until it gets an answer or its
deadline passes — what the README's "Retrying safely" tells a client to do.

A chain: a customer, then (if that was acknowledged) a contact, an interaction and a deal for
it, then the deal's stage moves (to won or lost). Every write carries a unique marker in its
body (the move's is its deal and target stage), so the check can count each one's copies.

Each write ends with the outcome its client saw, as Jepsen classifies them:
- ok: a 2xx;
- failed: a refusal (4xx) after attempts that all had definite answers — it changed nothing;
- unknown: the deadline passed, or a refusal came after an attempt whose fate was unknown
  (a timeout, a dropped connection, a 5xx: the write may have been applied).
"""
import itertools
import json
import random
import time
import uuid
from dataclasses import dataclass, field

import eventlet
import requests

API = "/api/v1"
RETRYABLE = {429, 500, 502, 503, 504}      # and a 409 idempotency_key_in_use
INDETERMINATE = {500, 502, 503, 504}       # the write may have been applied
MOVES = ("needs_analysis", "proposal")     # then won or lost


@dataclass
class Write:
    kind: str                  # customer | contact | interaction | deal | move
    marker: str                # unique in the run; a move's is "<deal id>:<stage>"
    method: str
    path: str
    body: bytes
    parent: str = None         # the customer's or deal's id the write belongs to
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    outcome: str = None        # ok | failed | unknown
    status: int = None         # the last answer's status (None: no answer)
    answer: dict = None
    attempts: int = 0
    started: float = 0.0
    finished: float = 0.0


class Stats:
    def __init__(self):
        self.server_errors = 0          # 500s seen (each a bug, retried as indeterminate)
        self.unavailable = 0            # 502 / 503 / 504 answers
        self.in_use = 0                 # 409 idempotency_key_in_use (a retry met its first try)
        self.transport_errors = 0       # timeouts and refused / dropped connections
        self.errors_by_status = {}
        self.server_error_samples = []  # (seconds into the run, method, path, body) of 500s


class Workload:
    def __init__(self, base_url, token, product_id, run_id, total_writes, clients,
                 write_deadline=120.0, request_timeout=10.0, seed=0):
        self.base_url = base_url
        self.token = token
        self.product_id = product_id
        self.run_id = run_id
        self.total_writes = total_writes
        self.clients = clients
        self.write_deadline = write_deadline
        self.request_timeout = request_timeout
        self.random_seed = seed
        self.random = random.Random(seed)
        self.writes = []
        self.stats = Stats()
        self._numbers = itertools.count(1)
        self.started = self.finished = self.stop_at = self.extend_while = None

    # --- running -----------------------------------------------------------------------------
    def run(self, pace=None, seconds=None, extend_while=None):
        """All clients until `total_writes` writes have been started and finished. `pace`
        (writes per second over all clients) spreads them out; `seconds` stops starting new
        chains after that long instead (the soak's capacity ramp); `extend_while()` true keeps
        starting chains past `total_writes` (until the nemesis has done its opening faults)."""
        self.started = time.monotonic()
        self.stop_at = self.started + seconds if seconds else None
        self.extend_while = extend_while
        pool = eventlet.GreenPool(self.clients)
        for client in range(self.clients):
            pool.spawn(self._client, client, pace)
        pool.waitall()
        self.finished = time.monotonic()
        return self.writes

    def _budget_left(self):
        if self.stop_at is not None:
            return time.monotonic() < self.stop_at
        if self.extend_while is not None and self.extend_while():
            return True
        return len(self.writes) < self.total_writes

    def _client(self, number, pace):
        session = requests.Session()
        while self._budget_left():
            self._chain(session, pace)

    def _chain(self, session, pace):
        n = next(self._numbers)
        marker = f"chaos-{self.run_id}-{n:06d}"
        customer = self._write(session, pace, "customer", marker, "POST", "customers",
                               {"name": f"Customer {marker}"})
        if customer.outcome != "ok":
            return
        customer_id = customer.answer["id"]
        self._write(session, pace, "contact", f"{marker}-contact", "POST",
                    f"customers/{customer_id}/contacts",
                    {"name": f"Contact {marker}-contact"}, parent=customer_id)
        self._write(session, pace, "interaction", f"{marker}-call", "POST",
                    f"customers/{customer_id}/interactions",
                    {"kind": "call", "summary": f"Call {marker}-call"}, parent=customer_id)
        deal = self._write(session, pace, "deal", f"{marker}-deal", "POST", "deals", {
            "name": f"Deal {marker}-deal", "customer_id": customer_id, "currency": "USD",
            "lines": [{"product_id": self.product_id, "quantity": 1 + n % 5}]},
            parent=customer_id)
        if deal.outcome != "ok":
            return
        deal_id = deal.answer["id"]
        ending = self.random.choice(("won", "lost"))
        for stage in MOVES + (ending,):
            body = {"stage": stage}
            if stage == "lost":
                body["lost_reason"] = f"Lost {marker}"
            move = self._write(session, pace, "move", f"{deal_id}:{stage}", "POST",
                               f"deals/{deal_id}/stage", body, parent=deal_id)
            if move.outcome != "ok":
                return

    # --- one write ---------------------------------------------------------------------------
    def _write(self, session, pace, kind, marker, method, path, body, parent=None):
        write = Write(kind, marker, method, path, json.dumps(body).encode(), parent=parent)
        self.writes.append(write)
        if pace:
            # each write's slot on the shared timetable: writes start at `pace` per second
            slot = self.started + (len(self.writes) - 1) / pace
            eventlet.sleep(max(0.0, slot - time.monotonic()))
        write.started = time.monotonic()
        self._send_until_answered(session, write)
        write.finished = time.monotonic()
        return write

    def _send_until_answered(self, session, write):
        deadline = write.started + self.write_deadline
        indeterminate = False
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                   "Idempotency-Key": write.key}
        for attempt in itertools.count():
            write.attempts += 1
            try:
                response = session.request(write.method, f"{self.base_url}{API}/{write.path}",
                                           data=write.body, headers=headers,
                                           timeout=self.request_timeout)
            except requests.RequestException:
                self.stats.transport_errors += 1
                indeterminate = True
                response = None
            if response is not None:
                write.status = response.status_code
                if response.status_code < 300:
                    write.outcome, write.answer = "ok", response.json()
                    return
                if not self._retryable(response):
                    # a refusal changed nothing — unless an earlier try may still have applied
                    write.outcome = "unknown" if indeterminate else "failed"
                    write.answer = _json(response)
                    return
                indeterminate = indeterminate or response.status_code in INDETERMINATE
            if time.monotonic() >= deadline:
                write.outcome = "unknown" if indeterminate else "failed"
                return
            eventlet.sleep(min(2.0, 0.1 * 2 ** min(attempt, 5)) * (0.5 + self.random.random()))

    def _retryable(self, response):
        status = response.status_code
        if status in RETRYABLE:
            self.stats.errors_by_status[status] = self.stats.errors_by_status.get(status, 0) + 1
            if status == 500:
                self.stats.server_errors += 1
                if len(self.stats.server_error_samples) < 20:
                    self.stats.server_error_samples.append(
                        (round(time.monotonic() - self.started, 1), response.request.method,
                         response.request.path_url, response.text[:300]))
            else:
                self.stats.unavailable += status != 429
            return True
        if status == 409 and _json(response).get("code") == "idempotency_key_in_use":
            self.stats.in_use += 1
            return True
        self.stats.errors_by_status[status] = self.stats.errors_by_status.get(status, 0) + 1
        return False

    # --- figures -----------------------------------------------------------------------------
    def outcomes(self):
        counts = {"ok": 0, "failed": 0, "unknown": 0}
        for write in self.writes:
            counts[write.outcome] += 1
        return counts

    def latencies(self):
        return sorted(w.finished - w.started for w in self.writes if w.outcome == "ok")


def _json(response):
    try:
        body = response.json()
        return body if isinstance(body, dict) else {}
    except ValueError:
        return {}
