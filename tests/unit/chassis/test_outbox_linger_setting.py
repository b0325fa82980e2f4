"""OUTBOX_PUBLISH_LINGER_SECONDS: how long the relay holds a write's events for the writes after
it (outbox.Relay)."""
import pytest

from services.chassis import settings


def test_the_linger_defaults_to_fifty_milliseconds_and_refuses_a_negative_one(monkeypatch):
    monkeypatch.delenv("OUTBOX_PUBLISH_LINGER_SECONDS", raising=False)
    assert settings.outbox_publish_linger() == 0.05
    monkeypatch.setenv("OUTBOX_PUBLISH_LINGER_SECONDS", "0")
    assert settings.outbox_publish_linger() == 0
    monkeypatch.setenv("OUTBOX_PUBLISH_LINGER_SECONDS", "-1")
    with pytest.raises(ValueError, match="must not be negative"):
        settings.outbox_publish_linger()
