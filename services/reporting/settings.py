"""reporting's settings (REPORTING_*), read at call time so a changed environment — or a test —
takes effect; the README's configuration table lists them."""
from services.chassis import settings as chassis
from services.chassis.settings import env


def preload_analytics():
    """Whether a replica imports the analytics libraries while it starts
    (REPORTING_PRELOAD_ANALYTICS, default on: services/reporting/preload.py weighs it)."""
    return env.bool("REPORTING_PRELOAD_ANALYTICS", True)


def page_size():
    """Events per events_since call (REPORTING_PAGE_SIZE): memory per page vs round trips."""
    return env.int("REPORTING_PAGE_SIZE", 500)


def lease_seconds():
    """How long the catch-up / rebuild / reconcile lease lasts unless renewed."""
    return env.float("REPORTING_LEASE_SECONDS", 60.0)


def job_poll_seconds():
    """How often each replica looks for a pending rebuild or reconcile job."""
    return env.float("REPORTING_JOB_POLL_SECONDS", 2.0)


def max_queued_jobs():
    """Pending rebuild / reconcile jobs beyond which a request is a 429 (requests of a kind
    already pending join it, so this bounds distinct waiting jobs)."""
    return env.int("REPORTING_MAX_QUEUED_JOBS", 10)


def gauge_seconds():
    """How often the business gauges are recomputed."""
    return env.float("REPORTING_GAUGE_SECONDS", 15.0)


def catch_up_seconds():
    """The periodic catch-up (CATCH_UP_SECONDS, shared with every consumer)."""
    return chassis.catch_up_interval()


def digest_check_seconds():
    """How often each replica looks for managers whose last week's digest is not mailed yet."""
    return env.float("REPORTING_DIGEST_CHECK_SECONDS", 3600.0)


def digest_time_zone():
    """The zone whose Monday 00:00 ends a digest's week (REPORTING_DIGEST_TZ)."""
    return env.str("REPORTING_DIGEST_TZ", "UTC")


def churn_risk_threshold():
    """The churn-risk score (0–100) from which a customer is at risk: crossing it upward
    publishes customer_at_risk once (REPORTING_CHURN_RISK_THRESHOLD)."""
    return env.int("REPORTING_CHURN_RISK_THRESHOLD", 70)


def churn_risk_seconds():
    """How often the churn-risk pass scores every customer (REPORTING_CHURN_RISK_SECONDS)."""
    return env.float("REPORTING_CHURN_RISK_SECONDS", 3600.0)


def computed_entries():
    """Costly figures (the win-drivers model per scope, the customer groups per as_of) kept in
    each reporting process until the read models change (computed.py); 0: none kept."""
    return env.int("REPORTING_COMPUTED_ENTRIES", 32)


def value_class_rule_seconds():
    """How often the value-class rule applies the suggested classes
    (REPORTING_VALUE_CLASS_RULE_SECONDS)."""
    return env.float("REPORTING_VALUE_CLASS_RULE_SECONDS", 3600.0)
