"""Alembic, run programmatically for one service at a time.

    python -m services.chassis.migrate upgrade             every service with a database
    python -m services.chassis.migrate upgrade customers   only these
    python -m services.chassis.migrate revision customers -m "add column"

The services and where each keeps its scripts (`services/<service>/migrations/`) are listed in
services/registry.py; their env.py only calls `run_migrations(<the service's metadata>)`.
The chassis tables are part of every target.

On PostgreSQL a missing database is created first when the role may (CREATEDB); otherwise, and
for any database that cannot be reached, the error is one line naming what to do — never a
traceback, never a password (URLs are printed through logs.safe_url).
"""
import argparse
import logging
import sys

from alembic import command, context
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool

from services import registry
from services.chassis import settings
from services.chassis.db import ensure_sequence_row, make_engine
from services.chassis.logs import safe_url
from services.chassis.models import ChassisBase


class MigrateError(Exception):
    """A database migrate cannot use; its message is the one line the user reads."""


def _first_lines(error):
    """A driver error as one line (psycopg2's messages span several; none holds the password)."""
    return " ".join(str(getattr(error, "orig", None) or error).split())


def ensure_database(raw_url):
    """PostgreSQL only: create the URL's database if it does not exist and the role may.
    Returns True when it created it."""
    url = make_url(raw_url)
    if url.get_backend_name() != "postgresql" or not url.database:
        return False
    try:
        create_engine(url, poolclass=NullPool).connect().close()
        return False
    except OperationalError as error:
        if f'database "{url.database}" does not exist' not in str(error.orig):
            raise MigrateError(f"cannot connect to {safe_url(raw_url)}: "
                               f"{_first_lines(error)}") from None
    server = create_engine(url.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            quoted = connection.dialect.identifier_preparer.quote
            role, may_create = connection.execute(text(
                "SELECT current_user, rolcreatedb OR rolsuper FROM pg_roles "
                "WHERE rolname = current_user")).one()
            if not may_create:
                raise MigrateError(
                    f'database "{url.database}" does not exist and role "{role}" may not create it; '
                    f"as a superuser run: CREATE DATABASE {quoted(url.database)} OWNER {quoted(role)};")
            try:
                connection.execute(text(f"CREATE DATABASE {quoted(url.database)}"))
            except ProgrammingError as error:           # created meanwhile by another migrate
                if "already exists" not in str(error.orig):
                    raise
                return False
    except OperationalError as error:
        raise MigrateError(f'database "{url.database}" does not exist, and the server\'s "postgres" '
                           f"database cannot be reached to create it: {_first_lines(error)}") from None
    finally:
        server.dispose()
    return True


def alembic_config(service, url=None):
    config = Config()
    migrations = registry.get(service).migrations
    if migrations is None:
        raise ValueError(f"{service} has no database (services/registry.py)")
    config.set_main_option("script_location", str(registry.ROOT / migrations))
    # configparser interpolates %: a URL-encoded password (p%40ss) must reach alembic intact
    config.set_main_option("sqlalchemy.url", (url or settings.database_url(service)).replace("%", "%%"))
    return config


def upgrade(service, url=None):
    url = url or settings.database_url(service)
    if ensure_database(url):
        logging.info("%s: created database %s", service, safe_url(url))
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
            url = settings.database_url(service)
            try:
                upgrade(service, url)
            except MigrateError as error:
                sys.exit(f"migrate: {service}: {error}")
            except OperationalError as error:
                sys.exit(f"migrate: {service}: {safe_url(url)}: {_first_lines(error)}")
            logging.info("%s: migrated (%s)", service, safe_url(url))
    else:
        command.revision(alembic_config(args.service), message=args.message, autogenerate=True)


if __name__ == "__main__":
    main()
