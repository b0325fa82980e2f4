"""webhooks in a real container (its own alembic chain) on a real RabbitMQ vhost, with stand-in
producers and a real HTTP receiver. The sender's timer is left idle (one hour): the tests drive
rounds themselves with a fixed clock."""
from datetime import timedelta

import pytest

from services.chassis.db import Database, create_schema, make_engine
from services.chassis.models import utcnow
from services.webhooks.service import WebhooksService
from tests.integration.webhooks.producers import NoTables, producer
from tests.integration.webhooks.receiver import Receiver

SOURCES = ("identity", "customers", "sales", "reporting")    # reporting: a producer outside the core three


@pytest.fixture
def databases(dialect, migrated_database, monkeypatch, tmp_path):
    url = migrated_database("webhooks", dialect)
    monkeypatch.setenv("WEBHOOKS_DATABASE_URL", url)
    monkeypatch.setenv("WEBHOOKS_SEND_SECONDS", "3600")
    for source in SOURCES:
        producer_url = f"sqlite:///{tmp_path / (source + '.db')}"
        monkeypatch.setenv(f"{source.upper()}_DATABASE_URL", producer_url)
        engine = make_engine(producer_url)
        create_schema(engine, NoTables.metadata)
        engine.dispose()
    return url


@pytest.fixture
def system(container_factory, rabbit_config, databases):
    """{"webhooks": container, "<source>": container} — webhooks started first, so its event
    queues exist before anything is published."""
    containers = {"webhooks": container_factory(WebhooksService, rabbit_config)}
    containers["webhooks"].start()
    for source in SOURCES:
        containers[source] = container_factory(producer(source), rabbit_config)
        containers[source].start()
    return containers


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def clock():
    """A fixed clock a little ahead of the real one (deliveries recorded now are due by it)."""
    return utcnow() + timedelta(minutes=1)


def db_of(container):
    """The service's database access, as its entrypoints get it (for driving handlers)."""
    provider = next(d for d in container.dependencies if isinstance(d, Database))
    return provider.get_dependency(None)
