"""Login brute-force protection, per account and per client address.

Failed logins are counted in identity's database (so every identity and gateway replica sees
the same counts) per key: `account:<email>` — the email as typed, so an unknown email is
counted and locked exactly like a real one and tells nothing — and `ip:<address>` (the
gateway passes the client's address). A key that reaches its limit within the window is
locked for LOGIN_LOCKOUT_SECONDS: logins on it are refused at once with LoginThrottled (429
+ Retry-After), before any password check, so a guesser learns nothing and argon2 does no
work for them.

The lock is time-boxed and never grows: someone locking another person's account on purpose
keeps them out for at most that long per round of failures (and the per-address limit slows
them too). A successful login clears its account's count; an address's failures only age
out, so an attacker cannot clear their address's count by logging into an account of theirs.
"""
import math
from datetime import timedelta

from sqlalchemy import delete, select, update

from services.chassis.db import insert_ignoring_conflicts
from services.chassis.errors import LoginThrottled
from services.identity import settings
from services.identity.models import LoginFailure

ACCOUNT, ADDRESS = "account:", "ip:"


def keys(email, client_ip=None):
    found = [ACCOUNT + email]
    if isinstance(client_ip, str) and client_ip:
        found.append(ADDRESS + client_ip[:300])
    return found


def _limit(key):
    if key.startswith(ACCOUNT):
        return settings.login_max_failures_per_account()
    return settings.login_max_failures_per_ip()


def check(session, keys, now):
    """LoginThrottled if any of `keys` is locked at `now`."""
    until = session.scalars(select(LoginFailure.locked_until).where(
        LoginFailure.key.in_(keys), LoginFailure.locked_until > now)).all()
    if until:
        wait = max(1, math.ceil((max(until) - now).total_seconds()))
        raise LoginThrottled(f"Too many failed sign-in attempts; try again in {wait} seconds.",
                             {"retry_after": wait})


def record_failure(session, keys, now):
    """One more failure for each key; a key that reaches its limit is locked. Each statement
    is an UPDATE or INSERT, so concurrent failures add up instead of overwriting each other
    (and, on SQLite, the transaction starts as a writer)."""
    window = timedelta(seconds=settings.login_failure_window_seconds())
    lockout = timedelta(seconds=settings.login_lockout_seconds())
    for key in keys:
        this = LoginFailure.key == key
        counted = session.execute(update(LoginFailure).where(
            this, LoginFailure.window_started_at > now - window)
            .values(failures=LoginFailure.failures + 1)).rowcount
        if not counted:     # none yet, or its window is over: start a new one
            counted = session.execute(update(LoginFailure).where(this).values(
                failures=1, window_started_at=now, locked_until=None)).rowcount
        if not counted:
            insert_ignoring_conflicts(session, LoginFailure, {
                "key": key, "failures": 1, "window_started_at": now}, ["key"])
        # At the limit: locked, and counting starts afresh once the lock is over.
        session.execute(update(LoginFailure).where(this, LoginFailure.failures >= _limit(key))
                        .values(locked_until=now + lockout, failures=0, window_started_at=now))


def reset(session, email):
    """A successful login clears its account's failures."""
    session.execute(delete(LoginFailure).where(LoginFailure.key == ACCOUNT + email))
