"""The sales service's settings, one function each, read when called (not at import), so a
changed environment — or a test — takes effect. The README's configuration table lists them."""
from services.chassis import settings
from services.chassis.settings import env


def customers_timeout():
    """The customers calls made while converting a lead, creating a deal or task, or importing
    must end before the gateway gives up on us."""
    return env.float("SALES_CUSTOMERS_TIMEOUT_SECONDS", 0.6 * settings.rpc_timeout())


# --- background jobs: seconds between two rounds ----------------------------------------------
def overdue_check_seconds():
    return env.float("SALES_OVERDUE_CHECK_SECONDS", 60.0)


def quote_expiry_check_seconds():
    return env.float("SALES_QUOTE_EXPIRY_CHECK_SECONDS", 60.0)


def renewal_check_seconds():
    return env.float("SALES_RENEWAL_CHECK_SECONDS", 60.0)


def task_due_check_seconds():
    return env.float("SALES_TASK_DUE_CHECK_SECONDS", 60.0)


def birthday_check_seconds():
    return env.float("SALES_BIRTHDAY_CHECK_SECONDS", 3600.0)


def target_check_seconds():
    return env.float("SALES_TARGET_CHECK_SECONDS", 3600.0)


# --- business rules ---------------------------------------------------------------------------
def payment_terms_days():
    """An invoice is due this many days after it is issued, unless due_on is given."""
    return env.int("SALES_PAYMENT_TERMS_DAYS", 30)


def quote_validity_days():
    """A quote is valid this many days after it is made, unless valid_until is given."""
    return env.int("SALES_QUOTE_VALIDITY_DAYS", 30)


def churn_risk_task_days():
    """The follow-up task for a customer at risk of churning (reporting's customer_at_risk) is
    due this many days after the risk was found."""
    return env.int("SALES_CHURN_RISK_TASK_DAYS", 2)


def birthday_notice_days():
    """A birthday task is due this many days before the contact's birthday."""
    return env.int("SALES_BIRTHDAY_NOTICE_DAYS", 7)


def target_risk_ratio():
    """A target is at risk when attained < expected by now × this ratio."""
    return env.float("SALES_TARGET_RISK_RATIO", 0.8)
