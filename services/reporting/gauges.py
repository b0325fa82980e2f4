"""The business gauges (DESIGN.md §7): every domain sets its own from its rollups and facts."""
from datetime import datetime, timezone

from services.reporting.domains import DOMAINS


def refresh_business_gauges(session, seen, today=None):
    """`seen`: the labels each gauge has had in this process (dropped to 0 when gone);
    `today`: the UTC date balances are taken on (default the wall clock's)."""
    today = today or datetime.now(timezone.utc).date()
    for domain in DOMAINS:
        if domain.gauges:
            domain.gauges(session, seen, today)
