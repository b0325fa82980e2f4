"""The machine's PostgreSQL server as tests and the benchmark use it: throw-away databases made
and dropped through the admin connection (TEST_POSTGRES_DSN; default the local trust-auth
superuser), reached by SQLAlchemy URL."""
import os

import psycopg2

ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "dbname=postgres host=127.0.0.1 user=postgres")


def url(name):
    return f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"


def admin(*statements):
    """Run `statements` on the admin connection, outside a transaction (CREATE/DROP DATABASE)."""
    connection = psycopg2.connect(ADMIN_DSN)
    connection.autocommit = True
    try:
        for statement in statements:
            connection.cursor().execute(statement)
    finally:
        connection.close()
