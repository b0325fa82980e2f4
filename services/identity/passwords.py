"""argon2id password hashes (RFC 9106 low-memory profile: argon2-cffi's defaults).

A hash costs ~0.2 s of CPU. Under eventlet that would freeze every green thread of the service
(other RPCs, AMQP heartbeats), so the work runs in eventlet's OS-thread pool; argon2-cffi
releases the GIL, so logins also use more than one core.
"""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool

# Module-level so tests can swap in a cheap profile (argon2.profiles.CHEAPEST).
hasher = PasswordHasher()
_dummy = {}


def hash_password(password):
    return tpool.execute(hasher.hash, password)


def verify_password(password_hash, password):
    """True if `password` matches; never raises for a wrong password or a damaged hash."""
    try:
        return tpool.execute(hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_verify(password):
    """Spend what a real check costs, for an unknown email, so timing does not tell."""
    current = hasher
    if current not in _dummy:
        _dummy.clear()
        _dummy[current] = hash_password("not-a-real-password-0123456789")
    verify_password(_dummy[current], password)
    return False


def needs_rehash(password_hash):
    """The hash was made with weaker parameters than today's: replace it at the next login."""
    try:
        return hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
