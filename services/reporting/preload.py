"""The analytics libraries loaded while the service starts, not on the first request.

statsmodels (the forecast) and scikit-learn (win drivers, customer groups) take seconds to
import — about six on a busy machine — and the reports import them on first use so that tests
and commands that never ask for those reports do not pay for them. In the running service the
first request for one would pay instead, and outlast the gateway's deadline (a 503). A nameko
dependency's start() runs before the service consumes anything, so here the cost moves to the
start, where a replica is not yet ready anyway.

The price is memory: with them a replica idles at ~235 MB, without them at ~85 MB like the other
services (bench/FINDINGS.md, 2026-12-05; nothing under services/reporting imports them at
module level — tests/unit/reporting/test_lazy_analytics_imports.py). REPORTING_PRELOAD_ANALYTICS
=false skips the preload: for replicas that seldom serve analytics, when the first such
request's import time (seconds on a busy machine) fits the callers' deadline.
"""
import importlib
import logging
import time

from nameko.extensions import DependencyProvider

from services.reporting import settings

log = logging.getLogger(__name__)

MODULES = ("statsmodels.tsa.exponential_smoothing.ets", "sklearn.cluster", "sklearn.linear_model",
           "sklearn.feature_extraction", "sklearn.metrics", "sklearn.model_selection",
           "sklearn.preprocessing", "threadpoolctl")


class AnalyticsLibraries(DependencyProvider):
    def start(self):
        if not settings.preload_analytics():
            log.info("analytics libraries not preloaded (REPORTING_PRELOAD_ANALYTICS): "
                     "imported by the first analytics request")
            return
        started = time.monotonic()
        for name in MODULES:
            importlib.import_module(name)
        log.info("analytics libraries loaded in %.1f s", time.monotonic() - started)

    def get_dependency(self, worker_ctx):
        return None
