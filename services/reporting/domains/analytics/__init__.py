"""Analytics (issue 17) as reporting sees it: reports that read across the producers' read
models (sales' deal, order and cash facts, customers', service desk's, marketing's) rather than
one producer's events — customer value and groups, churn risk, repurchase, what drives winning,
ad-hoc reports. Each theme is a sub-package declaring its `REPORTS` (and, where it keeps state
of its own, `PROJECTIONS`); they are gathered here so the themes never edit each other's files.
Listed last in domains/__init__.py: its reports read the other domains' tables."""
from services.reporting.domains.analytics import adhoc, drivers, groups, risk, value
from services.reporting.plugin import Domain

THEMES = (
    value,
    adhoc,
    risk,
    drivers,
    groups,
)     # the sub-packages, each with REPORTS and optionally PROJECTIONS

DOMAIN = Domain(
    name="analytics",
    projections=tuple(projection for theme in THEMES
                      for projection in getattr(theme, "PROJECTIONS", ())),
    reports=tuple(report for theme in THEMES for report in theme.REPORTS),
)
