"""Ad-hoc reports (issue 17 §7): chosen measures by chosen dimensions over a whitelist of
reporting's fact tables (sources.py), built as SQLAlchemy Core (build.py), scoped and paged like
every report (report.py)."""
from services.reporting.domains.analytics.adhoc import report
from services.reporting.domains.analytics.adhoc.sources import NOT_AVAILABLE, SOURCES
from services.reporting.plugin import Report


def _summary():
    per_source = "; ".join(
        f"{name}: measures {', '.join(source.measures)}, dimensions "
        f"{', '.join(source.dimensions)}{', period' if source.dates else ''}"
        for name, source in SOURCES.items())
    missing = "; ".join(f"{name} ({why})" for name, why in NOT_AVAILABLE.items())
    return ("Ad-hoc figures: measures by dimensions over one fact source, filtered by any of "
            f"its dimensions (e.g. region=North), paged (limit/offset) — {per_source}. "
            f"Period: by day/week/month/quarter/year of dated_by, local in tz. "
            + (f"Not available: {missing}. " if missing else "") + "Money per currency")


REPORTS = (
    Report("analytics_adhoc", report.adhoc, "analytics/adhoc", "reporting:AdhocQuery",
           "reporting:AdhocReport", _summary()),
)
