"""Brute-force protection: failures counted per account and per address; at the limit a clear
429 (LoginThrottled with retry_after) until the time-boxed lock is over; a success clears the
account's count. Every test runs on a fixed clock."""
from datetime import datetime, timedelta, timezone

import pytest

from services.chassis.errors import LoginThrottled, Unauthorized
from services.identity.handlers import login
from tests.unit.identity.helpers import PASSWORD

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
WRONG = "not the password"


@pytest.fixture(autouse=True)
def limits(monkeypatch):
    monkeypatch.setenv("LOGIN_MAX_FAILURES_PER_ACCOUNT", "3")
    monkeypatch.setenv("LOGIN_MAX_FAILURES_PER_IP", "5")
    monkeypatch.setenv("LOGIN_FAILURE_WINDOW_SECONDS", "600")
    monkeypatch.setenv("LOGIN_LOCKOUT_SECONDS", "300")


def attempt(db, email, password, at, ip="198.51.100.7"):
    """'ok', 'refused' (401) or the 429's retry_after."""
    try:
        login.issue_token(db, email, password, client_ip=ip, now=at)
        return "ok"
    except Unauthorized:
        return "refused"
    except LoginThrottled as exc:
        assert exc.http_status == 429 and exc.code == "login_throttled"
        return exc.details["retry_after"]


def test_an_account_is_locked_after_its_limit_then_lets_the_right_password_in(db, make_user):
    make_user("ana@example.com")
    assert [attempt(db, "ana@example.com", WRONG, T0 + timedelta(seconds=i)) for i in range(3)] \
        == ["refused"] * 3
    # Locked: even the right password is refused, at once, with how long to wait.
    assert attempt(db, "ana@example.com", PASSWORD, T0 + timedelta(seconds=10)) == 292
    assert attempt(db, "ana@example.com", PASSWORD, T0 + timedelta(seconds=301)) == 1
    # Time-boxed: once the lock is over the right password works.
    assert attempt(db, "ana@example.com", PASSWORD, T0 + timedelta(seconds=302)) == "ok"


def test_a_success_clears_the_accounts_count(db, make_user):
    make_user("ana@example.com")
    for i in range(2):
        attempt(db, "ana@example.com", WRONG, T0 + timedelta(seconds=i))
    assert attempt(db, "ana@example.com", PASSWORD, T0 + timedelta(seconds=5)) == "ok"
    for i in range(2):      # two more failures: below the limit again, not at it
        assert attempt(db, "ana@example.com", WRONG, T0 + timedelta(seconds=10 + i)) == "refused"
    assert attempt(db, "ana@example.com", PASSWORD, T0 + timedelta(seconds=20)) == "ok"


def test_failures_age_out_of_the_window(db, make_user):
    make_user("ana@example.com")
    for i in range(2):
        attempt(db, "ana@example.com", WRONG, T0 + timedelta(seconds=i))
    later = T0 + timedelta(seconds=700)         # the window (600 s) is over: counting restarts
    for i in range(2):
        assert attempt(db, "ana@example.com", WRONG, later + timedelta(seconds=i)) == "refused"
    assert attempt(db, "ana@example.com", PASSWORD, later + timedelta(seconds=5)) == "ok"


def test_an_unknown_email_is_locked_like_a_real_one(db):
    for i in range(3):
        assert attempt(db, "nobody@example.com", WRONG, T0 + timedelta(seconds=i)) == "refused"
    assert isinstance(attempt(db, "nobody@example.com", WRONG, T0 + timedelta(seconds=5)), int)


def test_one_address_guessing_many_accounts_is_stopped(db, make_user):
    make_user("ana@example.com")
    emails = [f"user{i}@example.com" for i in range(5)]
    for i, email in enumerate(emails):          # one failure each: no account reaches 3
        assert attempt(db, email, WRONG, T0 + timedelta(seconds=i)) == "refused"
    # The address is at its limit: refused for every account, the right password too ...
    assert attempt(db, "ana@example.com", PASSWORD, T0 + timedelta(seconds=10)) == 294
    # ... but only from that address: the lock is not a lever against the account itself.
    assert attempt(db, "ana@example.com", PASSWORD, T0 + timedelta(seconds=10), ip="203.0.113.9") \
        == "ok"


def test_a_locked_account_is_refused_from_every_address(db, make_user):
    make_user("ana@example.com")
    for i in range(3):
        attempt(db, "ana@example.com", WRONG, T0 + timedelta(seconds=i), ip=f"192.0.2.{i}")
    assert isinstance(attempt(db, "ana@example.com", PASSWORD, T0 + timedelta(seconds=5),
                              ip="203.0.113.9"), int)


def test_without_an_address_only_the_account_is_counted(db, make_user):
    make_user("ana@example.com")
    for i in range(3):
        assert attempt(db, "ana@example.com", WRONG, T0 + timedelta(seconds=i), ip=None) == "refused"
    assert isinstance(attempt(db, "ana@example.com", PASSWORD, T0 + timedelta(seconds=5)), int)
