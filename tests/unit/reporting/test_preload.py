"""The analytics libraries are importable by the names the reporting service loads at start
(a misspelt or removed module would stop the service from starting, not a report)."""
import sys

from services.reporting.preload import MODULES, AnalyticsLibraries
from services.reporting.service import ReportingService


def test_the_service_loads_the_analytics_libraries_when_it_starts():
    assert isinstance(ReportingService.analytics_libraries, AnalyticsLibraries)
    AnalyticsLibraries().start()
    assert all(name in sys.modules for name in MODULES)
