"""The domain event types a subscription may ask for: exactly what the producers publish, read
from their contracts (each producer's `events.py` EVENT_SCHEMAS), so a new event type is
offered — and consumed — without a change here, and a typo is a 422 rather than a
subscription that never fires. Event type names are unique across producers (a subscription
names types alone: `source_of` finds their producer)."""
import functools

from services.customers.events import EVENT_SCHEMAS as CUSTOMERS
from services.identity.events import EVENT_SCHEMAS as IDENTITY
from services.marketing.events import EVENT_SCHEMAS as MARKETING
from services.procurement.events import EVENT_SCHEMAS as PROCUREMENT
from services.reporting.events import EVENT_SCHEMAS as REPORTING
from services.sales.events import EVENT_SCHEMAS as SALES
from services.service_desk.events import EVENT_SCHEMAS as SERVICE_DESK

# Every service that publishes domain events (webhooks' own subscription_disabled is for its
# operators, not a callback of itself): an outside system subscribes to tickets, campaigns,
# purchase orders or churn risk as it does to deals.
PRODUCERS = {"identity": IDENTITY, "customers": CUSTOMERS, "sales": SALES,
             "marketing": MARKETING, "service_desk": SERVICE_DESK,
             "procurement": PROCUREMENT, "reporting": REPORTING}


@functools.cache
def source_of():
    """{event_type: the producer that publishes it}."""
    return {event_type: source for source, schemas in PRODUCERS.items() for event_type in schemas}


def event_types():
    return sorted(source_of())


def sources_for(types):
    """The producers publishing any of `types`, in a stable order."""
    wanted = {source_of()[t] for t in types if t in source_of()}
    return [source for source in PRODUCERS if source in wanted]


def listing():
    return [{"event_type": event_type, "source": source}
            for event_type, source in sorted(source_of().items())]
