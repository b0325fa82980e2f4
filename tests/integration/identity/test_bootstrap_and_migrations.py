"""The first-admin bootstrap and the alembic scripts, against SQLite and PostgreSQL."""
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from nameko.testing.services import entrypoint_waiter
from sqlalchemy import func, inspect, select

from services.chassis import migrate
from services.chassis.db import make_engine
from services.chassis.models import ChassisBase, OutboxEvent
from services.identity.bootstrap import bootstrap, main
from services.identity.models import Base, User

pytestmark = pytest.mark.dialect_sensitive("alembic scripts; one admin once")

ADMIN = {"email": " Root@Example.com ", "password": "root-password-123", "name": "Rita Root"}


def counts(url):
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            admins = connection.execute(select(func.count()).select_from(User)
                                        .where(User.role == "admin")).scalar()
            events = connection.execute(select(OutboxEvent.event_type)).scalars().all()
        return admins, events
    finally:
        engine.dispose()


@pytest.fixture
def scratch_url(database_url):
    """An empty database brought to head by alembic here, not the run's template: these tests
    prove the scripts themselves."""
    migrate.upgrade("identity", database_url)
    return database_url


def test_bootstrap_creates_one_admin_once_and_announces_it(identity_url, watcher, rabbit_config):
    config = {"AMQP_URI": rabbit_config["AMQP_URI"]}
    assert bootstrap(url=identity_url, config=config)[0] is False   # nothing asked, nothing done
    with entrypoint_waiter(watcher, "on_user_created") as announced:
        created, message = bootstrap(**ADMIN, url=identity_url, config=config)
    assert created and "root@example.com" in message
    payload = announced.get()["payload"]
    assert payload["email"] == "root@example.com" and payload["role"] == "admin"
    assert payload["name"] == "Rita Root" and "password" not in str(payload)

    created, message = bootstrap(**{**ADMIN, "email": "other@example.com"},
                                 url=identity_url, config=config)
    assert not created and "nothing to do" in message
    assert counts(identity_url) == (1, ["user_created"])


def test_migrations_build_exactly_the_models(scratch_url):
    engine = make_engine(scratch_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, [ChassisBase.metadata, Base.metadata]) == []
    finally:
        engine.dispose()


def test_migrations_downgrade_cleanly_and_upgrade_again(scratch_url):
    command.downgrade(migrate.alembic_config("identity", scratch_url), "base")
    engine = make_engine(scratch_url)
    try:
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        migrate.upgrade("identity", scratch_url)
        assert {"users", "teams", "api_keys", "outbox"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_bootstrap_with_the_broker_down_keeps_the_event_for_the_sweep(identity_url):
    created, _ = bootstrap(**ADMIN, url=identity_url,
                           config={"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"})
    assert created
    engine = make_engine(identity_url)
    try:
        with engine.connect() as connection:
            unsent = connection.execute(select(OutboxEvent.event_type)
                                        .where(OutboxEvent.sent_at.is_(None))).scalars().all()
    finally:
        engine.dispose()
    assert unsent == ["user_created"]


def test_the_command_takes_the_admin_from_the_environment(identity_url, monkeypatch, capsys):
    """`python -m services.identity.bootstrap` reads ADMIN_* through identity's settings."""
    monkeypatch.setenv("AMQP_URI", "amqp://guest:guest@127.0.0.1:1/")   # the sweep publishes later
    monkeypatch.delenv("ADMIN_EMAIL", raising=False)
    assert main() == 0 and "not set" in capsys.readouterr().out
    monkeypatch.setenv("ADMIN_EMAIL", "boss@example.com")
    monkeypatch.setenv("ADMIN_PASSWORD", "boss-password-123")
    monkeypatch.setenv("ADMIN_NAME", "Bea Boss")
    assert main() == 0 and "Created admin boss@example.com" in capsys.readouterr().out
    engine = make_engine(identity_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(select(User.name).where(User.role == "admin")).scalar() \
                == "Bea Boss"
    finally:
        engine.dispose()
