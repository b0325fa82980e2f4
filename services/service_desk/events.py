"""The events the service desk publishes — names and payload schemas, its contract (DESIGN.md
§4) — one registry built from each area's events module (the outbox dumps every payload through
these). The directory publishes none: it is a copy of customers' and identity's records."""
from services.service_desk.followups import events as followups
from services.service_desk.knowledge import events as knowledge
from services.service_desk.routing import events as routing
from services.service_desk.sla import events as sla
from services.service_desk.surveys import events as surveys
from services.service_desk.tickets import events as tickets

EVENT_SCHEMAS = {**tickets.EVENT_SCHEMAS, **routing.EVENT_SCHEMAS, **sla.EVENT_SCHEMAS,
                 **knowledge.EVENT_SCHEMAS, **surveys.EVENT_SCHEMAS, **followups.EVENT_SCHEMAS}
