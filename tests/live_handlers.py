"""The (source, event type)s a service class listens to live: batched (the chassis's: one
`on_<source>_events` per source, its queue bound to every type) or per event type (a
hand-written `on_<type>`, as marketing's own send batches)."""
from nameko.events import EventHandler

from services.chassis.queues import BatchEventHandler


def live_event_types(service_class):
    pairs = set()
    for name in dir(service_class):
        for entrypoint in getattr(getattr(service_class, name), "nameko_entrypoints", ()):
            if isinstance(entrypoint, BatchEventHandler):
                pairs |= {(entrypoint.source_service, event_type)
                          for event_type in entrypoint.event_types}
            elif isinstance(entrypoint, EventHandler):
                pairs.add((entrypoint.source_service, entrypoint.event_type))
    return pairs
