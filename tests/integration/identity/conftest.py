"""identity in a real container: RabbitMQ vhost per test, its database built by its own
migrations (so they are exercised), on SQLite and on PostgreSQL."""
import pytest
from argon2 import PasswordHasher, profiles
from nameko.events import event_handler
from nameko.testing.services import entrypoint_hook

from services.chassis.auth import CONTEXT_KEY
from services.identity import passwords
from services.identity.service import IdentityService


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """The container runs in this process: the same argon2id code, cheapest parameters."""
    monkeypatch.setattr(passwords, "hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.fixture
def identity_url(dialect, migrated_database, monkeypatch):
    """identity on the parametrised dialect, a copy of the run's migrated template."""
    url = migrated_database("identity", dialect)
    monkeypatch.setenv("IDENTITY_DATABASE_URL", url)
    return url


@pytest.fixture
def identity(container_factory, rabbit_config, identity_url):
    container = container_factory(IdentityService, rabbit_config)
    container.start()
    return container


@pytest.fixture
def watcher(container_factory, rabbit_config):
    """A test-only consumer of identity's events; each handler returns the envelope."""
    container = container_factory(Watcher, rabbit_config)
    container.start()
    return container


class Watcher:
    name = "identity_watcher"

    @event_handler("identity", "user_created")
    def on_user_created(self, envelope):
        return envelope

    @event_handler("identity", "user_updated")
    def on_user_updated(self, envelope):
        return envelope

    @event_handler("identity", "user_deactivated")
    def on_user_deactivated(self, envelope):
        return envelope


def call(container, method, *args, principal=None, **kwargs):
    """Run one entrypoint as `principal` (None: anonymous), as the gateway would call it."""
    context = {CONTEXT_KEY: principal.to_json()} if principal else None
    with entrypoint_hook(container, method, context_data=context) as hook:
        return hook(*args, **kwargs)
