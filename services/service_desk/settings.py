"""The service desk's own settings, one function each, read when called (not at import), so a
changed environment — or a test — takes effect. The README's configuration table lists them."""
from services.chassis.settings import env


def customers_refresh_timeout():
    """Seconds a ticket's creation waits for customers' event log when the customer (or its
    contact) is not in the service desk's copy yet — created a moment ago, its event still on
    the way; past it the creation is refused (422) as for an unknown customer."""
    return env.float("SERVICE_DESK_CUSTOMERS_REFRESH_TIMEOUT_SECONDS", 3.0)


def sla_time_zone():
    """The IANA time zone of the built-in "default" SLA calendar (Monday to Friday 09:00–18:00),
    used until a calendar with id "default" is stored."""
    return env.str("SERVICE_DESK_SLA_TIME_ZONE", "UTC")


def sla_check_seconds():
    """How often the SLA timer looks for due warnings (75 %) and breaches."""
    return env.float("SERVICE_DESK_SLA_CHECK_SECONDS", 30.0)


def email_inbound_secret():
    """The shared secret the inbound mail webhook must carry in X-Webhook-Secret; unset or
    empty refuses every inbound mail (401)."""
    return env.str("SERVICE_DESK_EMAIL_INBOUND_SECRET", "")


def email_unmatched_customer_id():
    """A catch-all customer a new mail from an unknown address becomes a ticket of (tagged
    unmatched_sender); unset (or a customer the desk does not know): a ticket without a
    customer, flagged unmatched_sender, for an agent to attach to its customer."""
    return env.str("SERVICE_DESK_EMAIL_UNMATCHED_CUSTOMER_ID", "")


def email_send_seconds():
    """How often the timer mails pending public replies."""
    return env.float("SERVICE_DESK_EMAIL_SEND_SECONDS", 5.0)


def email_retry_seconds():
    """The first wait after a transient SMTP failure; doubled each attempt up to the max."""
    return env.float("SERVICE_DESK_EMAIL_RETRY_SECONDS", 30.0)


def email_retry_max_seconds():
    return env.float("SERVICE_DESK_EMAIL_RETRY_MAX_SECONDS", 3600.0)


def email_claim_seconds():
    """How long a sender holds a mail it is sending; a sender that died releases it then."""
    return env.float("SERVICE_DESK_EMAIL_CLAIM_SECONDS", 120.0)


def survey_secret():
    """The key survey links are signed with (itsdangerous); changing it voids the links in
    every survey already mailed."""
    return env.str("SERVICE_DESK_SURVEY_SECRET", "dev-survey-secret-change-me")


def survey_base_url():
    """The gateway's public address as customers reach it: a survey link is
    <this>/api/v1/service-desk/surveys/<token>/page."""
    return env.str("SERVICE_DESK_SURVEY_BASE_URL", "http://localhost:8000")


def survey_valid_days():
    """How long a survey's link takes an answer after the ticket was resolved."""
    return env.int("SERVICE_DESK_SURVEY_VALID_DAYS", 30)


def survey_score_threshold():
    """A survey answered with a score (0–100) below this escalates to the team's supervisor
    and schedules a follow-up visit."""
    return env.int("SERVICE_DESK_SURVEY_SCORE_THRESHOLD", 80)


def followup_delay_days():
    """A follow-up visit is due this many days after the ticket was resolved."""
    return env.int("SERVICE_DESK_FOLLOWUP_DELAY_DAYS", 7)


def followup_value_classes():
    """Customers of these value classes (comma-separated) get a follow-up visit after every
    resolved ticket; empty: none by class."""
    return {value.strip().upper() for value in env.str("SERVICE_DESK_FOLLOWUP_VALUE_CLASSES",
                                                       "A").split(",") if value.strip()}
