"""What marketing consumes, and from whom (tolerant copies: unknown=EXCLUDE, a producer may add
fields): customers' customers, tags, merges, interactions and contacts; sales' won / lost deals,
stage changes and orders (purchase behaviour). The copies live in audience/consumes.py."""
from services.marketing.audience.consumes import FROM_CUSTOMERS, FROM_SALES  # noqa: F401

CONSUMED = {"customers": FROM_CUSTOMERS, "sales": FROM_SALES}
