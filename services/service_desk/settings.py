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
