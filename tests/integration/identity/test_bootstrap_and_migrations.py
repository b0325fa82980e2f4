"""The first-admin bootstrap and the alembic scripts, against SQLite and PostgreSQL."""
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from nameko.testing.services import entrypoint_waiter
from sqlalchemy import func, inspect, select

from services.chassis import migrate
from services.chassis.db import make_engine
from services.chassis.models import ChassisBase, OutboxEvent
from services.identity.bootstrap import bootstrap
from services.identity.models import Base, User

ADMIN_ENV = {"ADMIN_EMAIL": " Root@Example.com ", "ADMIN_PASSWORD": "root-password-123",
             "ADMIN_NAME": "Rita Root"}


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


def test_bootstrap_creates_one_admin_once_and_announces_it(identity_url, watcher, rabbit_config):
    config = {"AMQP_URI": rabbit_config["AMQP_URI"]}
    assert bootstrap({}, identity_url, config)[0] is False          # nothing asked, nothing done
    with entrypoint_waiter(watcher, "on_user_created") as announced:
        created, message = bootstrap(ADMIN_ENV, identity_url, config)
    assert created and "root@example.com" in message
    payload = announced.get()["payload"]
    assert payload["email"] == "root@example.com" and payload["role"] == "admin"
    assert payload["name"] == "Rita Root" and "password" not in str(payload)

    created, message = bootstrap({**ADMIN_ENV, "ADMIN_EMAIL": "other@example.com"},
                                 identity_url, config)
    assert not created and "nothing to do" in message
    assert counts(identity_url) == (1, ["user_created"])


def test_migrations_build_exactly_the_models(identity_url):
    engine = make_engine(identity_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, [ChassisBase.metadata, Base.metadata]) == []
    finally:
        engine.dispose()


def test_migrations_downgrade_cleanly_and_upgrade_again(identity_url):
    command.downgrade(migrate.alembic_config("identity", identity_url), "base")
    engine = make_engine(identity_url)
    try:
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        migrate.upgrade("identity", identity_url)
        assert {"users", "teams", "api_keys", "outbox"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_bootstrap_with_the_broker_down_keeps_the_event_for_the_sweep(identity_url):
    created, _ = bootstrap(ADMIN_ENV, identity_url, {"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"})
    assert created
    engine = make_engine(identity_url)
    try:
        with engine.connect() as connection:
            unsent = connection.execute(select(OutboxEvent.event_type)
                                        .where(OutboxEvent.sent_at.is_(None))).scalars().all()
    finally:
        engine.dispose()
    assert unsent == ["user_created"]
