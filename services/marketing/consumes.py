"""What marketing consumes, and from whom (tolerant copies: unknown=EXCLUDE, a producer may add
fields): customers' customers, tags, merges, interactions and contacts; sales' won / lost deals,
stage changes and orders (purchase behaviour) — the copies in audience/consumes.py — and the
events automation rules are triggered by that the audience does not read (sales'
target_at_risk: automation/consumes.py; the catalogue of triggers: automation/catalogue.py),
and sales' lead events attribution follows (attribution/consumes.py; its deal_won copy reads
the deal's lead_id besides)."""
from services.marketing.attribution import consumes as attribution
from services.marketing.audience.consumes import FROM_CUSTOMERS, FROM_SALES  # noqa: F401
from services.marketing.automation.catalogue import CONSUMED as AUDIENCE_AND_TRIGGERS

CONSUMED = {**AUDIENCE_AND_TRIGGERS, "sales": {
    **AUDIENCE_AND_TRIGGERS["sales"], "lead_created": attribution.LeadCreated,
    "lead_converted": attribution.LeadConverted}}
