"""The events marketing publishes — names and payload schemas, its contract (DESIGN.md §4) —
one registry built from each area's events module (the outbox dumps every payload through
these). The audience publishes none: it is a copy of customers' and sales' records."""
from services.marketing.attribution import events as attribution
from services.marketing.automation import events as automation
from services.marketing.campaigns import events as campaigns
from services.marketing.consent import events as consent
from services.marketing.responses import events as responses
from services.marketing.segments import events as segments
from services.marketing.sending import events as sending
from services.marketing.tracking import events as tracking
from services.marketing.templates import events as templates

EVENT_SCHEMAS = {**attribution.EVENT_SCHEMAS, **automation.EVENT_SCHEMAS,
                 **campaigns.EVENT_SCHEMAS, **consent.EVENT_SCHEMAS, **responses.EVENT_SCHEMAS,
                 **segments.EVENT_SCHEMAS, **sending.EVENT_SCHEMAS, **templates.EVENT_SCHEMAS,
                 **tracking.EVENT_SCHEMAS}

# Sent in packs when they come in runs (outbox.messages) — all but the send's batch releases,
# which a pooled handler takes one at a time (sending/entrypoints.py: a batch is minutes of work)
PACKED_EVENTS = frozenset(EVENT_SCHEMAS) - {"campaign_send_batch_released"}
