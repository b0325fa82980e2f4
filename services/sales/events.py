"""The events sales publishes — names and payload schemas, its contract (DESIGN.md §4) — one
registry built from each area's events module (the outbox dumps every payload through these).

Payloads are spelled out in the areas, not reused from the RPC outputs, so an RPC change can
never silently change an event. Money is a string with its currency; times are UTC ISO 8601.
"""
from services.sales.cash import events as cash
from services.sales.deals import events as deals
from services.sales.documents import events as documents
from services.sales.leads import events as leads
from services.sales.products import events as products
from services.sales.targets import events as targets
from services.sales.tasks import events as tasks

EVENT_SCHEMAS = {**leads.EVENT_SCHEMAS, **deals.EVENT_SCHEMAS, **cash.EVENT_SCHEMAS,
                 **tasks.EVENT_SCHEMAS, **targets.EVENT_SCHEMAS, **documents.EVENT_SCHEMAS,
                 **products.EVENT_SCHEMAS}
