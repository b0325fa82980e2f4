"""`python -m services.chassis.migrate upgrade` on PostgreSQL as a new user meets it: the role's
password is never printed, a missing database is created when the role may (CREATEDB), and when
it may not the answer is one line saying what to run — not a traceback."""
import contextlib
import os
import secrets
import subprocess
import sys
import uuid

import psycopg2
import pytest

from services import registry
from tests import postgres
from tests.conftest import PG_ADMIN_DSN

pytestmark = pytest.mark.postgres


_admin = postgres.admin


@contextlib.contextmanager
def pg_role(createdb):
    """A role with a random password, and a random name for a database it would use."""
    role, database = f"crm_role_{uuid.uuid4().hex[:10]}", f"crm_mig_{uuid.uuid4().hex[:10]}"
    password = secrets.token_urlsafe(16)
    _admin(f"CREATE ROLE {role} LOGIN {'CREATEDB' if createdb else 'NOCREATEDB'} PASSWORD '{password}'")
    try:
        yield role, password, database
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', f"DROP ROLE {role}")


def migrate(role, password, database):
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    # as scripts/run.sh sets it: eventlet's deprecation banner is not what the test reads
    env["PYTHONWARNINGS"] = "ignore::Warning:nameko.cli.commands,ignore::Warning:nameko.extensions"
    env["IDENTITY_DATABASE_URL"] = f"postgresql+psycopg2://{role}:{password}@127.0.0.1:5432/{database}"
    return subprocess.run([sys.executable, "-m", "services.chassis.migrate", "upgrade", "identity"],
                          cwd=registry.ROOT, env=env, capture_output=True, text=True, timeout=120)


def database_exists(name):
    connection = psycopg2.connect(PG_ADMIN_DSN)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return cursor.fetchone() is not None
    finally:
        connection.close()


def test_an_existing_database_is_migrated_without_printing_the_password():
    with pg_role(createdb=False) as (role, password, database):
        _admin(f'CREATE DATABASE "{database}" OWNER {role}')
        result = migrate(role, password, database)
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert f"identity: migrated (postgresql+psycopg2://{role}:***@127.0.0.1:5432/{database})" in output
        assert password not in output


def test_a_missing_database_is_created_when_the_role_may():
    with pg_role(createdb=True) as (role, password, database):
        result = migrate(role, password, database)
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert f"identity: created database postgresql+psycopg2://{role}:***@" in output
        assert database_exists(database)
        assert password not in output


def test_a_missing_database_the_role_may_not_create_is_one_line_naming_what_to_run():
    with pg_role(createdb=False) as (role, password, database):
        result = migrate(role, password, database)
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            f'migrate: identity: database "{database}" does not exist and role "{role}" may not '
            f'create it; as a superuser run: CREATE DATABASE {database} OWNER {role};']
        assert not database_exists(database)
