"""A real Database access object over an in-memory engine, with a relay that only records."""
import sqlite3
from types import SimpleNamespace

from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from services.chassis.db import DatabaseAccess, create_schema


class RecordingRelay:
    def __init__(self):
        self.published = []
        self.waits = []         # per unit of work: whether its caller waited for the publish

    def publish_committed(self, rows, wait=False):
        self.published.extend(row.sequence for row in rows)
        self.waits.append(wait)


def make_db(engine, *metadatas, source="test", event_schemas=None):
    build_schema(engine, *metadatas)
    provider = SimpleNamespace(
        engine=engine, source=source, event_schemas=event_schemas or {},
        sessionmaker=sessionmaker(bind=engine, expire_on_commit=False), relay=RecordingRelay())
    return DatabaseAccess(provider, worker_ctx=None)


_SCHEMAS = {}       # the metadatas' identities → an in-memory SQLite database holding their schema


def build_schema(engine, *metadatas):
    """create_schema, issued once per run for each set of metadatas: an empty in-memory database
    afterwards receives a copy of the first one built (sqlite3's backup API copies the pages —
    the same tables, indexes, triggers and seeded rows — in a millisecond instead of SQLAlchemy
    issuing the DDL table by table for every test)."""
    if engine.url.get_backend_name() != "sqlite" or engine.url.database not in (None, "", ":memory:"):
        create_schema(engine, *metadatas)
        return
    key = tuple(id(metadata) for metadata in metadatas)
    with engine.connect() as connection:
        if connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar():
            connection.rollback()
            create_schema(engine, *metadatas)       # not empty: add to it the ordinary way
            return
        connection.rollback()
        database = connection.connection.driver_connection
        if key in _SCHEMAS:
            _SCHEMAS[key].backup(database)
            return
    create_schema(engine, *metadatas)
    template = sqlite3.connect(":memory:", check_same_thread=False)
    with engine.connect() as connection:
        connection.connection.driver_connection.backup(template)
    _SCHEMAS[key] = template
