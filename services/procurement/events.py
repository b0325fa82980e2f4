"""The events procurement publishes — names and payload schemas, its contract (DESIGN.md §4) —
one registry built from each area's events module (the outbox dumps every payload through
these)."""
from services.procurement.evaluation import events as evaluation
from services.procurement.orders import events as orders
from services.procurement.requests import events as requests
from services.procurement.sourcing import events as sourcing
from services.procurement.suppliers import events as suppliers

EVENT_SCHEMAS = {**suppliers.EVENT_SCHEMAS, **evaluation.EVENT_SCHEMAS, **requests.EVENT_SCHEMAS,
                 **sourcing.EVENT_SCHEMAS, **orders.EVENT_SCHEMAS}
