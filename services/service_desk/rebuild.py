"""Rebuild the service desk's directory from the producers' event logs: empty its copy of
customers, contacts and identity's users, its inbox and its positions in one transaction; the
service's catch-up (every CATCH_UP_SECONDS) then replays customers' and identity's logs into
the same rows. What the service desk owns itself — tickets, their conversation and history,
routing — is kept (a replayed customer_merged finds the loser's tickets already moved: no-op).

    python -m services.service_desk.rebuild    # with SERVICE_DESK_DATABASE_URL as the service has it
"""
import sys

from sqlalchemy import delete

from services.chassis import settings
from services.chassis.db import make_engine
from services.chassis.models import ConsumerPosition, InboxEvent
from services.service_desk.directory.models import DeskContact, DeskCustomer, UserCopy

TABLES = (DeskContact, DeskCustomer, UserCopy, InboxEvent, ConsumerPosition)


def reset(connection):
    """{table: rows deleted}."""
    return {model.__tablename__: connection.execute(delete(model)).rowcount for model in TABLES}


def main():
    engine = make_engine(settings.database_url("service_desk"))
    try:
        with engine.begin() as connection:
            deleted = reset(connection)
    finally:
        engine.dispose()
    print("service desk directory emptied (" + ", ".join(f"{n} {t}" for t, n in deleted.items())
          + "); the running service replays the producers' logs on its next catch-up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
