"""Stand-ins for identity, customers and sales that publish their real event types through the
real chassis outbox (so webhooks consumes them live and reads their `events_since` logs) —
without the business logic the webhook tests do not need."""
from nameko.rpc import rpc
from sqlalchemy.orm import DeclarativeBase

from services.chassis.db import Database
from services.chassis.service import ChassisService
from services.webhooks import catalog


class NoTables(DeclarativeBase):
    pass


def producer(source):
    class Producer(ChassisService):
        name = source
        db = Database(NoTables.metadata, event_schemas=catalog.PRODUCERS[source])

        @rpc
        def publish(self, event_type, payload):
            with self.db.unit_of_work(actor="tester") as uow:
                uow.emit(event_type, payload)
            return uow.emitted[0].sequence
    Producer.__name__ = f"{source.title()}Producer"
    return Producer
