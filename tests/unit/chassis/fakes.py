"""A real Database access object over an in-memory engine, with a relay that only records."""
from types import SimpleNamespace

from sqlalchemy.orm import sessionmaker

from services.chassis.db import DatabaseAccess, create_schema


class RecordingRelay:
    def __init__(self):
        self.published = []

    def publish_committed(self, sequences):
        self.published.extend(sequences)


def make_db(engine, *metadatas, source="test", event_schemas=None):
    create_schema(engine, *metadatas)
    provider = SimpleNamespace(
        engine=engine, source=source, event_schemas=event_schemas or {},
        sessionmaker=sessionmaker(bind=engine, expire_on_commit=False), relay=RecordingRelay())
    return DatabaseAccess(provider, worker_ctx=None)
