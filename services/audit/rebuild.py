"""Rebuild the trail from the producers' event logs: empty audit's tables, its inbox and its
positions in one transaction; the service's catch-up (every CATCH_UP_SECONDS) then replays
every log from the start into the same entries (their ids come from the events). While it
replays, the trail is incomplete.

    python -m services.audit.rebuild        # with AUDIT_DATABASE_URL as the service has it
"""
import sys

from sqlalchemy import delete

from services.audit.models import AuditEntry, AuditRecord, UserCopy
from services.chassis import settings
from services.chassis.db import make_engine
from services.chassis.models import ConsumerPosition, InboxEvent

TABLES = (AuditEntry, AuditRecord, UserCopy, InboxEvent, ConsumerPosition)


def reset(connection):
    """{table: rows deleted}."""
    return {model.__tablename__: connection.execute(delete(model)).rowcount for model in TABLES}


def main():
    engine = make_engine(settings.database_url("audit"))
    try:
        with engine.begin() as connection:
            deleted = reset(connection)
    finally:
        engine.dispose()
    print("audit trail emptied (" + ", ".join(f"{n} {t}" for t, n in deleted.items())
          + "); the running service replays the producers' logs on its next catch-up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
