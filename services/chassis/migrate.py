"""Alembic, run programmatically for one service at a time.

    python -m services.chassis.migrate upgrade             every service with a database
    python -m services.chassis.migrate upgrade customers   only these
    python -m services.chassis.migrate revision customers -m "add column"

The services and where each keeps its scripts (`services/<service>/migrations/`) are listed in
services/registry.py; their env.py only calls `run_migrations(<the service's metadata>)`.
The chassis tables are part of every target.
"""
import argparse
import logging

from alembic import command, context
from alembic.config import Config

from services import registry
from services.chassis import settings
from services.chassis.db import ensure_sequence_row, make_engine
from services.chassis.models import ChassisBase


def alembic_config(service, url=None):
    config = Config()
    migrations = registry.get(service).migrations
    if migrations is None:
        raise ValueError(f"{service} has no database (services/registry.py)")
    config.set_main_option("script_location", str(registry.ROOT / migrations))
    config.set_main_option("sqlalchemy.url", url or settings.database_url(service))
    return config


def upgrade(service, url=None):
    url = url or settings.database_url(service)
    command.upgrade(alembic_config(service, url), "head")
    engine = make_engine(url)
    ensure_sequence_row(engine)
    engine.dispose()


def run_migrations(service_metadata):
    """Called from a service's migrations/env.py."""
    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=[ChassisBase.metadata, service_metadata],
            render_as_batch=engine.dialect.name == "sqlite",   # SQLite cannot ALTER most things
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def main():
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(prog="python -m services.chassis.migrate")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("upgrade", help="bring each service's database to the newest revision")
    up.add_argument("services", nargs="*", metavar="service",
                    help="default: every service with a database (services/registry.py)")
    rev = sub.add_parser("revision", help="autogenerate a revision from the models")
    rev.add_argument("service", choices=[s.name for s in registry.with_database()])
    rev.add_argument("-m", "--message", required=True)
    args = parser.parse_args()
    if args.command == "upgrade":
        known = [s.name for s in registry.with_database()]
        unknown = set(args.services) - set(known)
        if unknown:
            parser.error(f"no database to migrate for {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(known)})")
        for service in args.services or known:
            upgrade(service)
            logging.info("%s: migrated (%s)", service, settings.database_url(service))
    else:
        command.revision(alembic_config(args.service), message=args.message, autogenerate=True)


if __name__ == "__main__":
    main()
