"""Rebuild the audience from the producers' event logs: empty marketing's copy of customers,
contacts and purchases, its inbox and its positions in one transaction; the service's catch-up
(every CATCH_UP_SECONDS) then replays customers' and sales' logs into the same rows. What
marketing owns itself is kept.

    python -m services.marketing.rebuild     # with MARKETING_DATABASE_URL as the service has it
"""
import sys

from sqlalchemy import delete

from services.chassis import settings
from services.chassis.db import make_engine
from services.chassis.models import ConsumerPosition, InboxEvent
from services.marketing.audience.models import (AudienceContact, AudienceCustomer,
                                                AudiencePurchase)

TABLES = (AudiencePurchase, AudienceContact, AudienceCustomer, InboxEvent, ConsumerPosition)


def reset(connection):
    """{table: rows deleted}."""
    return {model.__tablename__: connection.execute(delete(model)).rowcount for model in TABLES}


def main():
    engine = make_engine(settings.database_url("marketing"))
    try:
        with engine.begin() as connection:
            deleted = reset(connection)
    finally:
        engine.dispose()
    print("marketing audience emptied (" + ", ".join(f"{n} {t}" for t, n in deleted.items())
          + "); the running service replays the producers' logs on its next catch-up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
