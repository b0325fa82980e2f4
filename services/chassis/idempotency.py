"""Idempotency keys: a write retried with the same `Idempotency-Key` gets its first answer
instead of running twice (Stripe's convention; IETF draft-ietf-httpapi-idempotency-key-header).

Why in each service's own database, in the write's own transaction: a gateway that answered 503
cannot know whether the write happened, and an answer recorded after the commit is lost to a
crash between the two. So the service records (principal, key, RPC method) → (the request's
fingerprint, the answer) in the transaction that does the work:

- the gateway checks the header (`parse_key`: 400), fingerprints the request (method, path and
  query, body bytes) and passes both with the RPC (`ServiceCaller.call(idempotency=...)`, nameko
  context data; a service never passes them on to the calls it makes in turn);
- the chassis `rpc` entrypoint (services/chassis/rpc.py) runs the method through `run` below: a
  recorded key answers its first answer without running anything (another fingerprint: 422);
  otherwise the method runs under a `Guard`, the unit of work it opens is held open at the end
  of its block (services/chassis/db.py) until the method has returned, and the answer is added
  to that same transaction before the commit;
- the same key twice at once: in one process the second is a 409 with Retry-After (the draft's
  "request in progress"); across processes both may run, the primary key lets one commit and
  rolls the other back entirely, and the loser answers the winner's answer.

A method whose unit of work is followed by other work (another unit of work, a call to another
service, a read) has that unit committed there, as before; the answer then goes with the last unit
of work, or in a transaction of its own if none follows. Refusals (4xx) change nothing and are not
recorded: a retry is evaluated again. Requests without a key pay nothing (no query, no row).
"""
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from kombu.utils.json import dumps, loads
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from services.chassis import settings
from services.chassis.auth import CONTEXT_KEY as PRINCIPAL_CONTEXT, Principal
from services.chassis.errors import BadRequest, Conflict, CrmError, Invalid
from services.chassis.models import IdempotencyRecord, utcnow

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
WRITE_METHODS = ("POST", "PATCH", "PUT")
KEY_CONTEXT = "idempotency_key"
FINGERPRINT_CONTEXT = "idempotency_fingerprint"
GUARD_ATTRIBUTE = "idempotency_guard"      # on the nameko WorkerContext while a guarded method runs
MAX_KEY_LENGTH = 255
RETRY_AFTER_SECONDS = 1
# Printable ASCII, no space at either end (HTTP strips those, so they could never match again).
_KEY = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?\Z")
_MISSING = object()


class IdempotencyKeyInvalid(BadRequest):
    code = "idempotency_key_invalid"


class IdempotencyKeyReused(Invalid):
    code = "idempotency_key_reused"


class IdempotencyKeyInUse(Conflict):
    code = "idempotency_key_in_use"


@dataclass(frozen=True)
class Idempotency:
    """What travels with one RPC (its context data)."""
    key: str
    fingerprint: str

    def context(self):
        return {KEY_CONTEXT: self.key, FINGERPRINT_CONTEXT: self.fingerprint}


def parse_key(raw):
    """The key of an `Idempotency-Key` header value (None when absent), or 400."""
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw:
        raise IdempotencyKeyInvalid(f"The {HEADER} header is empty.", {"header": HEADER})
    if len(raw) > MAX_KEY_LENGTH:
        raise IdempotencyKeyInvalid(f"The {HEADER} header is longer than {MAX_KEY_LENGTH} "
                                    "characters.", {"header": HEADER})
    if not _KEY.match(raw):
        raise IdempotencyKeyInvalid(f"The {HEADER} header must be printable ASCII (a UUID is "
                                    "a good key).", {"header": HEADER})
    return raw


def fingerprint(*parts):
    """SHA-256 over the parts, each length-prefixed (so ("ab", "c") ≠ ("a", "bc"))."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else bytes(part)
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def request_fingerprint(method, target, body):
    """An HTTP request's: method, path with its query string, the body's bytes."""
    return fingerprint(method.upper(), target, body or b"")


def call_fingerprint(method, args, kwargs):
    """An RPC's, for a caller that sends a key without a fingerprint."""
    return fingerprint(method, json.dumps([args, kwargs], sort_keys=True, default=str))


# --- the service side -----------------------------------------------------------------------

class Guard:
    """One RPC's idempotency record; `db` is the worker's DatabaseAccess."""

    def __init__(self, db, principal, key, fingerprint_, method):
        self.db = db
        self.id = (principal, key, method)
        self.fingerprint = fingerprint_
        self.held = None                  # (session, emitted events) of a finished unit of work

    # --- the unit of work's side (services/chassis/db.py)
    def hold(self, session, emitted):
        self.settle()
        self.held = (session, emitted)

    def settle(self):
        """Commit the held unit of work without the answer: the method goes on to other work."""
        if self.held is not None:
            session, emitted = self.held
            self.held = None
            self.db.commit(session, emitted)

    # --- the entrypoint's side
    def recorded(self):
        """The first answer, or _MISSING; 422 if the key came with another request."""
        with self.db.read_only(settle=False) as session:
            row = session.execute(
                select(IdempotencyRecord.fingerprint, IdempotencyRecord.response,
                       IdempotencyRecord.created_at)
                .where(*self._where())).first()
        if row is None:
            return _MISSING
        if row.created_at < utcnow() - timedelta(seconds=settings.idempotency_key_ttl()):
            self._forget_expired()
            return _MISSING
        if row.fingerprint != self.fingerprint:
            raise IdempotencyKeyReused(
                f"This {HEADER} was used for a different request; use a new key for a new "
                "request.", {HEADER: ["already used with another method, path or body"]})
        return loads(row.response)

    def record(self, result):
        """Commit the held work together with its answer (or the answer alone); if a twin
        committed the same key first, roll this one back and answer the twin's answer."""
        session, emitted = self.held or (self.db.new_session(), [])
        self.held = None
        principal, key, method = self.id
        try:
            session.add(IdempotencyRecord(principal=principal, key=key, method=method,
                                          fingerprint=self.fingerprint, response=dumps(result),
                                          created_at=utcnow()))
            session.flush()
        except IntegrityError:
            session.rollback()
            session.close()
            twin = self.recorded()
            if twin is _MISSING:
                raise
            log.info("idempotency key answered by a concurrent twin; this run rolled back")
            return twin
        except BaseException:
            session.rollback()
            session.close()
            raise
        self.db.commit(session, emitted)
        return result

    def _where(self):
        principal, key, method = self.id
        return (IdempotencyRecord.principal == principal, IdempotencyRecord.key == key,
                IdempotencyRecord.method == method)

    def _forget_expired(self):
        session = self.db.new_session()
        session.execute(delete(IdempotencyRecord).where(*self._where()))
        self.db.commit(session, [])


def run(db, worker_ctx, method, args, kwargs, call):
    """`call()` under the key the caller sent with this RPC, if any (see the module docstring)."""
    data = worker_ctx.data
    if data.get(KEY_CONTEXT) is None:
        return call()
    key = parse_key(data[KEY_CONTEXT])         # a service does not trust its caller's data
    raw_principal = data.get(PRINCIPAL_CONTEXT)
    principal = Principal.from_json(raw_principal).user_id if raw_principal else "-"
    guard = Guard(db, principal, key,
                  str(data.get(FINGERPRINT_CONTEXT) or call_fingerprint(method, args, kwargs)),
                  method)
    in_flight = db.in_flight
    if guard.id in in_flight:
        raise IdempotencyKeyInUse(
            f"A request with this {HEADER} is still being processed; retry after it finishes.",
            {"retry_after": RETRY_AFTER_SECONDS})
    in_flight.add(guard.id)
    try:
        first = guard.recorded()
        if first is not _MISSING:
            return first
        setattr(worker_ctx, GUARD_ATTRIBUTE, guard)
        try:
            result = call()
        except CrmError as refusal:
            guard.settle()
            if refusal.http_status < 500:       # a concurrent twin may have done it meanwhile
                first = guard.recorded()
                if first is not _MISSING:
                    return first
            raise
        except BaseException:
            guard.settle()
            raise
        finally:
            setattr(worker_ctx, GUARD_ATTRIBUTE, None)
        return guard.record(result)
    finally:
        in_flight.discard(guard.id)


def guard_of(worker_ctx):
    return getattr(worker_ctx, GUARD_ATTRIBUTE, None)


def purge(db, older_than):
    """Forget the keys recorded before `older_than` (any replica may run it: a plain DELETE)."""
    session = db.new_session()
    deleted = session.execute(delete(IdempotencyRecord)
                              .where(IdempotencyRecord.created_at < older_than)).rowcount
    db.commit(session, [])
    if deleted:
        log.info("forgot %s idempotency key(s) older than %s", deleted, older_than.isoformat())
    return deleted
