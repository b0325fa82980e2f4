"""The domain registry: one plugin per producer whose events reporting consumes (plugin.py says
what a plugin declares). Explicit imports, so `Base.metadata` is complete once this is imported
and the order here is the order of rebuilds, reconcile and reports."""
from services.reporting.domains import (analytics, customers, identity, marketing, procurement,
                                        sales, service_desk)
from services.reporting.models import Base

DOMAINS = (identity.DOMAIN, customers.DOMAIN, sales.DOMAIN, marketing.DOMAIN,
           service_desk.DOMAIN, procurement.DOMAIN, analytics.DOMAIN)
PROJECTIONS = {projection.name: projection
               for domain in DOMAINS for projection in domain.projections}
REPORTS = {report.rpc: report for domain in DOMAINS for report in domain.reports}
METADATA = Base.metadata        # every domain's tables and reporting's own
SOURCES = sorted({source for projection in PROJECTIONS.values() for source in projection.handles})


def event_types(names):
    """{source: [event types]} that feed the named projections."""
    found = {}
    for name in names:
        for source, handlers in PROJECTIONS[name].handles.items():
            found.setdefault(source, []).extend(sorted(handlers))
    return found


def tables(names):
    return [table for name in names for table in PROJECTIONS[name].tables]
